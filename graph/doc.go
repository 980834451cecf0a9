// Package graph is the executable GraphQL schema gqlgen generates from
// schema.graphqls and schema/*.graphqls (go tool gqlgen generate); its
// model subpackage holds the generated input and payload types. Nothing
// here is edited by hand but this comment: the resolvers it calls live in
// package resolvers.
package graph
