// Package resolvers implements the GraphQL schema. Resolvers are thin: they
// check the caller's access, call the store (through per-request
// dataloaders where a field is resolved for many parents), and map the
// result onto the generated types.
package resolvers

import (
	"github.com/exphub/exphub/internal/events"
	"github.com/exphub/exphub/internal/store"
)

// Resolver is the root resolver. It is safe for concurrent use.
type Resolver struct {
	Store *store.Store
	// Events serves subscriptions; without it they are UNAVAILABLE.
	Events *events.Hub
	// Validations runs validation suites; without it runValidation is
	// UNAVAILABLE.
	Validations Validator
	// Data opens dataset versions' data for bias checks; without it
	// runBiasCheck is UNAVAILABLE.
	Data DataSource
}
