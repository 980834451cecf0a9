// Package resolvers implements the GraphQL schema. Resolvers are thin: they
// check the caller's access, call the store (through per-request
// dataloaders where a field is resolved for many parents), and map the
// result onto the generated types.
package resolvers

import (
	"context"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/exphub/exphub/internal/catalog"
	"github.com/exphub/exphub/internal/events"
	"github.com/exphub/exphub/internal/governance"
	"github.com/exphub/exphub/internal/lineage"
	"github.com/exphub/exphub/internal/mlflow"
	"github.com/exphub/exphub/internal/store"
	"github.com/exphub/exphub/internal/tracking"
	"github.com/exphub/exphub/internal/webhooks"
)

// Resolver is the root resolver. It is safe for concurrent use.
type Resolver struct {
	Store *store.Store
	// Events serves subscriptions; without it they are UNAVAILABLE.
	Events *events.Hub
	// Validations runs validation suites; without it runValidation is
	// UNAVAILABLE.
	Validations Validator
	// Arrivals is what this server validates on arrival; nil: nothing.
	Arrivals *store.ArrivalFeed
	// Governance carries out policies, promotions, bias checks,
	// reproductions and evidence packs.
	Governance *governance.Service
	// Lineage answers lineage, impact, paths and data-quality health.
	Lineage *lineage.Service
	// Tracking carries out experiments and runs: starting, status
	// changes, params, metrics, tags, inputs and outputs.
	Tracking *tracking.Service
	// Catalog carries out projects, datasets, dataset versions and model
	// versions.
	Catalog *catalog.Service
	// Registry sets and removes model aliases under the rules the MLflow
	// API follows (governed aliases through promotion); nil: UNAVAILABLE.
	Registry *mlflow.Registry
	// Webhooks carries out what admins do with webhook receivers.
	Webhooks *webhooks.Service
	// Present turns an error into what the client gets, as the server's
	// error presenter does; subscriptions use it for the errors that end
	// them, which do not pass through gqlgen's presenter.
	Present func(ctx context.Context, err error) *gqlerror.Error

	// watched are the datasets featureViewSources subscriptions watch.
	watched watchedSets
}

// present is Present, or a bare message when none is set.
func (r *Resolver) present(ctx context.Context, err error) *gqlerror.Error {
	if r.Present != nil {
		return r.Present(ctx, err)
	}
	return &gqlerror.Error{Message: err.Error()}
}
