package mlflow

import (
	"context"
	"strings"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/store"
)

// FeatureServicesTag is the run tag by which training code that logs
// through the mlflow client names the Feast feature services it was
// trained on: a comma-separated list of service names, each optionally
// "<feast project>/<name>". Setting it (at run creation, set-tag or
// log-batch) records the services as GraphQL's useFeatureServices does;
// a name that is not a feature service of the run's project refuses the
// call, and nothing is written.
const FeatureServicesTag = "exphub.feature_services"

// MaxFeatureServiceRefs bounds the names the tag may list.
const MaxFeatureServiceRefs = 20

// featureServices reads the FeatureServicesTag among tags and finds the
// services it names in project: nil when the tag is not there.
func (s *Service) featureServices(ctx context.Context, project string, tags []store.KeyValue) ([]string, error) {
	var value *string
	for i := range tags {
		if tags[i].Key == FeatureServicesTag {
			value = &tags[i].Value
		}
	}
	if value == nil {
		return nil, nil
	}
	var refs []string
	for _, ref := range strings.Split(*value, ",") {
		if ref = strings.TrimSpace(ref); ref != "" {
			refs = append(refs, ref)
		}
	}
	if len(refs) == 0 || len(refs) > MaxFeatureServiceRefs {
		return nil, errs.Invalidf("tag %s: name 1 to %d feature services, comma-separated, got %d", FeatureServicesTag, MaxFeatureServiceRefs, len(refs))
	}
	found, err := s.store.FeatureServicesNamed(ctx, project, refs)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(refs))
	for _, ref := range refs {
		switch named := found[ref]; len(named) {
		case 0:
			return nil, errs.Invalidf("tag %s: %s is not a Feast feature service of project %s", FeatureServicesTag, errs.Quote(ref), errs.Quote(project))
		case 1:
			ids = append(ids, named[0])
		default:
			return nil, errs.Invalidf("tag %s: %s is a feature service of %d Feast projects; write <feast project>/%s",
				FeatureServicesTag, errs.Quote(ref), len(named), ref)
		}
	}
	return ids, nil
}

// useFeatureServices records that run read the services ids (none: a
// no-op).
func (s *Service) useFeatureServices(ctx context.Context, p *auth.Principal, runID string, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := s.tracking.UseFeatureServices(ctx, p, runID, ids)
	return err
}
