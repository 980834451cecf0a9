package governance

import (
	"context"
	"fmt"
	"time"

	"github.com/exphub/exphub/internal/access"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/store"
)

// ReportRequest is what a governance report is asked for: a project, or
// one of its experiments, over a period. A nil Since is from the
// beginning, a nil Until is now.
type ReportRequest struct {
	ProjectKey   string
	ExperimentID string
	Since, Until *time.Time
}

// Report is a governance report's scope and its figures, computed in
// Neo4j over everything in scope.
type Report struct {
	Scope       store.ReportScope
	Experiment  *store.Experiment // nil for the whole project
	GeneratedAt time.Time
	Figures     *store.ReportFigures
	// InProduction are the model versions in PRODUCTION now (at most
	// store.MaxReportProduction), most recently registered first.
	InProduction []*store.ModelVersion
	// SignOffs are the sign-offs of the project's reports, oldest first.
	SignOffs []*store.SignOff
}

// GovernanceReport computes the figures of a report for an auditor,
// approver or admin of the project. An experiment of another project, or
// one the caller may not read, is NOT_FOUND; a period that ends before it
// starts is BAD_USER_INPUT.
func (s *Service) GovernanceReport(ctx context.Context, p *auth.Principal, in ReportRequest) (*Report, error) {
	if err := access.Require(p, in.ProjectKey, auth.RoleAuditor); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	scope := store.ReportScope{ProjectKey: in.ProjectKey, Until: now}
	if in.Since != nil {
		scope.Since = in.Since.UTC()
	}
	if in.Until != nil {
		scope.Until = in.Until.UTC()
	}
	if !scope.Since.Before(scope.Until) {
		return nil, errs.Invalidf("since: %s is not before until (%s)", scope.Since.Format(time.RFC3339), scope.Until.Format(time.RFC3339))
	}
	out := &Report{Scope: scope, GeneratedAt: now}
	if in.ExperimentID != "" {
		exp, err := access.Load(ctx, p, "experimentId", in.ExperimentID, store.KindExperiment, access.ByID(s.store.ExperimentsByIDs),
			func(v *store.Experiment) string { return v.ProjectKey }, auth.RoleViewer)
		if err != nil {
			return nil, err
		}
		if exp.ProjectKey != in.ProjectKey {
			return nil, fmt.Errorf("%w: experimentId: no experiment %s in project %s", errs.NotFound, errs.Quote(in.ExperimentID), errs.Quote(in.ProjectKey))
		}
		out.Experiment, out.Scope.ExperimentID = exp, exp.ID
	}
	figures, err := s.store.GovernanceFigures(ctx, out.Scope)
	if err != nil {
		return nil, err
	}
	out.Figures = figures
	ids, err := s.store.ProductionVersionIDs(ctx, out.Scope)
	if err != nil {
		return nil, err
	}
	byID, err := s.store.ModelVersionsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		if v := byID[id]; v != nil {
			out.InProduction = append(out.InProduction, v)
		}
	}
	prj, err := s.store.ProjectByKey(ctx, in.ProjectKey)
	if err != nil || prj == nil {
		return out, err
	}
	out.SignOffs, err = s.SignOffsOf(ctx, prj.ID)
	return out, err
}
