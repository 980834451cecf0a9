package governance_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/governance"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

func TestCheckAlias(t *testing.T) {
	for in, want := range map[string]string{"champion": "champion", "Champion": "champion", " blue-2_x ": "blue-2_x", "v": "v", "vx1": "vx1"} {
		if got, err := governance.CheckAlias("alias", in); err != nil || got != want {
			t.Errorf("CheckAlias(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", " ", "latest", "LATEST", "v1", "V12", "version3", "a b", "a/b", "a.b", "é", strings.Repeat("a", 256)} {
		if got, err := governance.CheckAlias("alias", bad); !errors.Is(err, errs.Invalid) {
			t.Errorf("CheckAlias(%q) = %q, %v; want Invalid", bad, got, err)
		}
	}
}

func TestGovernedAlias(t *testing.T) {
	pol := &store.Policy{PolicyInput: store.PolicyInput{GovernedAliases: []string{"champion"}}}
	for alias, want := range map[string]bool{"production": true, "champion": true, "challenger": false} {
		if got := governance.GovernedAlias(pol, alias); got != want {
			t.Errorf("GovernedAlias(%q) = %v", alias, got)
		}
	}
}

func TestPolicyGovernedAliases(t *testing.T) {
	s := neo4jtest.Store(t)
	gov := governance.New(s, nil)
	ctx := t.Context()
	key := neo4jtest.Project(t, s, "pga")
	in := *policyWith(func(p *store.PolicyInput) { p.GovernedAliases = []string{"Champion", "blue", "champion"} })
	p1, changed, err := gov.SetPolicy(ctx, root, key, in)
	if err != nil || !changed || !slices.Equal(p1.GovernedAliases, []string{"blue", "champion"}) {
		t.Fatalf("set policy: %+v %v %v", p1, changed, err)
	}
	in.GovernedAliases = []string{"blue", "CHAMPION"}
	if again, changed, err := gov.SetPolicy(ctx, root, key, in); err != nil || changed || again.ID != p1.ID {
		t.Fatalf("the same aliases again: %+v %v %v", again, changed, err)
	}
	cur, err := gov.Policy(ctx, root, key, nil)
	if err != nil || !slices.Equal(cur.GovernedAliases, []string{"blue", "champion"}) {
		t.Fatalf("read back: %+v %v", cur, err)
	}
	in.GovernedAliases = []string{"latest"}
	if _, _, err := gov.SetPolicy(ctx, root, key, in); !errors.Is(err, errs.Invalid) || !strings.Contains(err.Error(), "governedAliases[0]") {
		t.Fatalf("a reserved alias: %v", err)
	}
}
