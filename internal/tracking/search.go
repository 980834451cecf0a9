package tracking

import (
	"context"

	"github.com/exphub/exphub/internal/access"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/runsearch"
	"github.com/exphub/exphub/internal/store"
)

// RunSearcher runs a parsed run search; *store.Store provides it.
type RunSearcher interface {
	SearchRuns(ctx context.Context, in store.RunSearch) (store.Conn[*store.Run], error)
}

// RunSearchRequest is a run search as a client writes it: the filter and
// order_by clauses in the run search language (internal/runsearch).
type RunSearchRequest struct {
	ProjectKey    string
	ExperimentIDs []string
	Filter        string
	OrderBy       []string
	Page          store.Page
}

// SearchRuns parses req and searches the runs of a project the caller
// may view. A filter or order that does not parse is errs.Invalid naming
// the column of the mistake; nothing of it reaches the store unparsed.
func SearchRuns(ctx context.Context, st RunSearcher, p *auth.Principal, req RunSearchRequest) (store.Conn[*store.Run], error) {
	if err := access.Require(p, req.ProjectKey, auth.RoleViewer); err != nil {
		return store.Conn[*store.Run]{}, err
	}
	q, err := runsearch.Parse(req.Filter)
	if err != nil {
		return store.Conn[*store.Run]{}, err
	}
	order, err := runsearch.ParseOrderBy(req.OrderBy)
	if err != nil {
		return store.Conn[*store.Run]{}, err
	}
	return st.SearchRuns(ctx, store.RunSearch{Scope: access.Scope(p), ProjectKey: req.ProjectKey,
		ExperimentIDs: req.ExperimentIDs, Query: q, Order: order, Page: req.Page})
}
