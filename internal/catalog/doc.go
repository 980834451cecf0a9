// Package catalog owns the things runs read and write and the projects
// that hold them: creating projects, registering datasets and their
// immutable versions (with the versions they derive from), and
// registering model versions (linked to the run that trained them).
//
// Its rule is a pure function over facts (SameVersion: when registering
// a version label again is the same registration), tested without Neo4j;
// the store applies it under the dataset's lock inside its write
// transaction. Every operation is one call of Service that checks the
// caller's access, applies the rules and writes through the store. It must
// not speak HTTP or GraphQL, and holds no Cypher.
package catalog
