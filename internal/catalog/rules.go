package catalog

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/store"
)

// SameVersion is the rule of dataset version immutability: registering a
// label again (in) over the version registered with it (registered,
// derived from the versions derivedFrom) is the same registration when
// digest, uri, row count, schema and derivedFrom all match, and returns
// the registered version; anything else is errs.Conflict naming the first
// field that differs. An absent schema or derivedFrom matches an empty one.
func SameVersion(registered *store.DatasetVersion, derivedFrom []string, in store.RegisterDatasetVersionInput) error {
	had := slices.Clone(derivedFrom)
	want := slices.Clone(in.DerivedFrom)
	slices.Sort(had)
	slices.Sort(want)
	want = slices.Compact(want)
	what := ""
	switch {
	case registered.Digest != in.Digest:
		what = fmt.Sprintf("digest %s (registered: %s)", in.Digest, registered.Digest)
	case registered.URI != in.URI:
		what = fmt.Sprintf("uri %s (registered: %s)", errs.Quote(in.URI), errs.Quote(registered.URI))
	case (registered.RowCount == nil) != (in.RowCount == nil) || (registered.RowCount != nil && *registered.RowCount != *in.RowCount):
		what = fmt.Sprintf("rowCount %s (registered: %s)", optInt(in.RowCount), optInt(registered.RowCount))
	case !slices.Equal(registered.Schema, in.Schema) && (len(registered.Schema) > 0 || len(in.Schema) > 0):
		what = "schema"
	case !slices.Equal(had, want) && (len(had) > 0 || len(want) > 0):
		what = fmt.Sprintf("derivedFrom %v (registered: %v)", want, had)
	}
	if what != "" {
		return errs.Conflictf("version %s of this dataset is already registered with different content: %s; versions are immutable, register a new version label", errs.Quote(in.Version), what)
	}
	return nil
}

// optInt formats an optional integer for a message.
func optInt(n *int64) string {
	if n == nil {
		return "none"
	}
	return strconv.FormatInt(*n, 10)
}
