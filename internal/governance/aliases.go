package governance

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/store"
)

// MaxAliasLen bounds a model alias (MLflow's limit).
const MaxAliasLen = 255

var aliasRE = regexp.MustCompile(`^[a-z0-9_-]+$`)
var versionLikeRE = regexp.MustCompile(`^v(ersion)?[0-9]+$`)

// CheckAlias is the rule of what a model alias may be: letters, digits,
// "_" and "-", at most MaxAliasLen bytes, not "latest" and not a version
// reference such as "v3" (MLflow's rules, which its model URIs need).
// Aliases are case-insensitive: it returns the alias in lower case, so
// "Production" is the governed "production" and cannot slip past it.
func CheckAlias(field, alias string) (string, error) {
	a := strings.ToLower(strings.TrimSpace(alias))
	switch {
	case a == "":
		return "", errs.Invalidf("%s: must not be empty", field)
	case len(a) > MaxAliasLen:
		return "", errs.Invalidf("%s: at most %d bytes, got %d", field, MaxAliasLen, len(a))
	case !aliasRE.MatchString(a):
		return "", errs.Invalidf("%s: %s may contain only letters, digits, '_' and '-'", field, errs.Quote(alias))
	case a == "latest", versionLikeRE.MatchString(a):
		return "", errs.Invalidf("%s: %s is reserved (it reads as a version reference)", field, errs.Quote(alias))
	}
	return a, nil
}

// GovernedAlias reports whether alias (as CheckAlias returns it) moves only
// through an approved promotion request under pol: store.ProductionAlias
// always (it is the PRODUCTION stage), and every alias the policy names.
func GovernedAlias(pol *store.Policy, alias string) bool {
	return alias == store.ProductionAlias || slices.Contains(pol.GovernedAliases, alias)
}

// checkGovernedAliases checks and normalises a policy's governed aliases.
func checkGovernedAliases(in []string) ([]string, error) {
	if len(in) > 100 {
		return nil, errs.Invalidf("governedAliases: at most 100, got %d", len(in))
	}
	out := make([]string, len(in))
	for i, a := range in {
		var err error
		if out[i], err = CheckAlias("governedAliases["+strconv.Itoa(i)+"]", a); err != nil {
			return nil, err
		}
	}
	return out, nil
}
