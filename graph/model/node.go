// Package model holds the GraphQL types gqlgen generates from
// schema.graphqls, and the few it is bound to by hand.
package model

// Node is the GraphQL Node interface. Its implementations are the store's
// entity types, which know nothing of GraphQL, so the interface has no
// methods; the generated code switches on the concrete type.
type Node interface{}
