// Package graph is the executable GraphQL schema gqlgen generates from
// schema.graphqls and schema/*.graphqls (make generate, which runs gqlgen
// through internal/gqlgenplain: lists of plain objects are marshalled in
// order, by plain_gen.go); its model subpackage holds the generated input
// and payload types. Nothing here is edited by hand but this comment and
// plain.go: the resolvers it calls live in package resolvers.
package graph
