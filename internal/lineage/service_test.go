package lineage_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/lineage"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

// These run the operations against a real store; what a walk returns in
// each situation is specified by the scenarios of
// internal/store/testdata/lineage.

// viewerOf is a caller who reads projects keys ("*": every project).
func viewerOf(keys ...string) *auth.Principal {
	roles := map[string]auth.Role{}
	for _, k := range keys {
		roles[k] = auth.RoleViewer
	}
	return &auth.Principal{Subject: "lineage-test", Roles: roles}
}

var everyone = viewerOf(auth.AllProjects)

// wantInvalidField fails unless err is errs.Invalid and its message names
// field ("<field>: ...").
func wantInvalidField(t testing.TB, err error, field string) {
	t.Helper()
	neo4jtest.WantErr(t, err, errs.Invalid)
	if !strings.Contains(err.Error(), ": "+field+":") {
		t.Fatalf("error %q does not name field %q", err, field)
	}
}

func TestLineageBounds(t *testing.T) {
	s := neo4jtest.Store(t)
	lin := lineage.New(s)
	r := neo4jtest.Run(t, s, "linb", store.StatusRunning)
	graph := func(depth, maxNodes int) error {
		_, err := lin.Lineage(t.Context(), everyone, lineage.Request{Root: r.ID, Direction: store.Both, Depth: &depth, MaxNodes: &maxNodes})
		return err
	}
	impact := func(depth int) error {
		_, err := lin.Impact(t.Context(), everyone, lineage.ImpactRequest{Root: r.ID, Depth: &depth})
		return err
	}
	cases := []struct {
		name  string
		err   error
		field string // "" means accepted
	}{
		{"lineage depth at maximum", graph(lineage.MaxDepth, 10), ""},
		{"lineage depth 0", graph(0, 10), ""},
		{"lineage depth above maximum", graph(lineage.MaxDepth+1, 10), "depth"},
		{"lineage depth far above maximum", graph(1_000_000, 10), "depth"},
		{"lineage depth negative", graph(-1, 10), "depth"},
		{"lineage maxNodes at maximum", graph(3, lineage.MaxNodes), ""},
		{"lineage maxNodes 1", graph(3, 1), ""},
		{"lineage maxNodes above maximum", graph(3, lineage.MaxNodes+1), "maxNodes"},
		{"lineage maxNodes 0", graph(3, 0), "maxNodes"},
		{"lineage maxNodes negative", graph(3, -5), "maxNodes"},
		{"impact depth at maximum", impact(lineage.MaxImpactDepth), ""},
		{"impact depth above maximum", impact(lineage.MaxImpactDepth + 1), "depth"},
		{"impact depth 0", impact(0), "depth"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.field == "" {
				if c.err != nil {
					t.Fatalf("want success, got %v", c.err)
				}
				return
			}
			wantInvalidField(t, c.err, c.field)
		})
	}
	t.Run("defaults", func(t *testing.T) {
		g, err := lin.Lineage(t.Context(), everyone, lineage.Request{Root: r.ID})
		if err != nil || g.Root != r.ID || len(g.Nodes) != 1 {
			t.Fatalf("got %+v, %v", g, err)
		}
		rep, err := lin.Impact(t.Context(), everyone, lineage.ImpactRequest{Root: r.ID})
		if err != nil || rep.Root != r.ID || rep.TotalAffected != 0 {
			t.Fatalf("got %+v, %v", rep, err)
		}
	})
}

func TestLineageHiddenRootIsNotFound(t *testing.T) {
	s := neo4jtest.Store(t)
	lin := lineage.New(s)
	r := neo4jtest.Run(t, s, "linh", store.StatusRunning)
	other := viewerOf(neo4jtest.Project(t, s, "other"))
	cases := []struct {
		name string
		call func() error
	}{
		{"lineage", func() error {
			_, err := lin.Lineage(t.Context(), other, lineage.Request{Root: r.ID, Direction: store.Both})
			return err
		}},
		{"impact", func() error {
			_, err := lin.Impact(t.Context(), other, lineage.ImpactRequest{Root: r.ID})
			return err
		}},
		{"path", func() error {
			_, err := lin.Path(t.Context(), other, lineage.PathRequest{From: r.ID, To: r.ID})
			return err
		}},
		{"quality issues", func() error {
			_, err := lin.QualityIssuesUpstream(t.Context(), other, r.ID)
			return err
		}},
		{"empty scope", func() error {
			_, err := lin.LineageIn(t.Context(), store.Scope{}, lineage.Request{Root: r.ID, Direction: store.Both})
			return err
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { neo4jtest.WantErr(t, c.call(), errs.NotFound) })
	}
	t.Run("health", func(t *testing.T) {
		h, err := lin.Health(t.Context(), other, []string{r.ID})
		if err != nil || h[r.ID] != lineage.HealthUnknown {
			t.Fatalf("got %v, %v", h, err)
		}
	})
}

// A hidden root and an unknown one give the same error, with or without
// asOf, so errors never reveal that a hidden node exists or when it was
// created.
func TestLineageHiddenRootSameErrorAsUnknown(t *testing.T) {
	s := neo4jtest.Store(t)
	lin := lineage.New(s)
	r := neo4jtest.Run(t, s, "linu", store.StatusRunning)
	other := viewerOf(neo4jtest.Project(t, s, "other"))
	at := time.Now().Add(time.Hour)
	missing := neo4jtest.UnknownID("run_")
	for _, asOf := range []*time.Time{nil, &at} {
		for _, impact := range []bool{false, true} {
			call := func(id string) error {
				if impact {
					_, err := lin.Impact(t.Context(), other, lineage.ImpactRequest{Root: id, Depth: ptr(1), AsOf: asOf})
					return err
				}
				_, err := lin.Lineage(t.Context(), other, lineage.Request{Root: id, Direction: store.Both, Depth: ptr(1), MaxNodes: ptr(10), AsOf: asOf})
				return err
			}
			hidden, unknown := call(r.ID), call(missing)
			neo4jtest.WantErr(t, hidden, errs.NotFound)
			if h, m := strings.ReplaceAll(hidden.Error(), r.ID, "ID"), strings.ReplaceAll(unknown.Error(), missing, "ID"); h != m {
				t.Errorf("asOf=%v impact=%v: hidden %q vs unknown %q", asOf != nil, impact, h, m)
			}
		}
	}
}

// Each operation checks its ID arguments before any round-trip, naming
// the argument, and answers errs.NotFound for a well-formed ID that names
// nothing.
func TestLineageIDs(t *testing.T) {
	s := neo4jtest.Store(t)
	lin := lineage.New(s)
	r := neo4jtest.Run(t, s, "lini", store.StatusRunning)
	ctx := t.Context()
	ops := []struct {
		name, field, prefix string
		call                func(id string) error
	}{
		{"Lineage", "id", "dsv_", func(id string) error {
			_, err := lin.Lineage(ctx, everyone, lineage.Request{Root: id})
			return err
		}},
		{"Impact", "id", "run_", func(id string) error {
			_, err := lin.Impact(ctx, everyone, lineage.ImpactRequest{Root: id})
			return err
		}},
		{"Path", "from", "mv_", func(id string) error {
			_, err := lin.Path(ctx, everyone, lineage.PathRequest{From: id, To: r.ID})
			return err
		}},
		{"Path", "to", "run_", func(id string) error {
			_, err := lin.Path(ctx, everyone, lineage.PathRequest{From: r.ID, To: id})
			return err
		}},
		{"QualityIssuesUpstream", "id", "dsv_", func(id string) error {
			_, err := lin.QualityIssuesUpstream(ctx, everyone, id)
			return err
		}},
	}
	u := uuid.NewString()
	for _, op := range ops {
		t.Run(op.name+"/"+op.field, func(t *testing.T) {
			for name, id := range map[string]string{"empty": "", "no prefix": u, "not a uuid": op.prefix + "x", "wrong kind": "prj_" + u,
				"injection": op.prefix + `'}) MATCH (n) DETACH DELETE n //`} {
				t.Run("malformed "+name, func(t *testing.T) { wantInvalidField(t, op.call(id), op.field) })
			}
			t.Run("unknown", func(t *testing.T) { neo4jtest.WantErr(t, op.call(neo4jtest.UnknownID(op.prefix)), errs.NotFound) })
		})
	}
	t.Run("a path to nowhere", func(t *testing.T) {
		other := neo4jtest.Run(t, s, "lini", store.StatusRunning)
		_, err := lin.Path(ctx, everyone, lineage.PathRequest{From: r.ID, To: other.ID})
		if !errors.Is(err, store.ErrNoPath) {
			t.Fatalf("want store.ErrNoPath, got %v", err)
		}
	})
}

// Without a caller every operation is errs.Unauthenticated, before any
// round-trip; health is UNKNOWN, which reveals nothing.
func TestLineageWithoutCaller(t *testing.T) {
	lin := lineage.New(nil)
	ctx := t.Context()
	id := "run_" + uuid.NewString()
	for name, call := range map[string]func() error{
		"lineage": func() error { _, err := lin.Lineage(ctx, nil, lineage.Request{Root: id}); return err },
		"impact":  func() error { _, err := lin.Impact(ctx, nil, lineage.ImpactRequest{Root: id}); return err },
		"path":    func() error { _, err := lin.Path(ctx, nil, lineage.PathRequest{From: id, To: id}); return err },
		"issues":  func() error { _, err := lin.QualityIssuesUpstream(ctx, nil, id); return err },
	} {
		t.Run(name, func(t *testing.T) { neo4jtest.WantErr(t, call(), errs.Unauthenticated) })
	}
	if h, err := lin.Health(ctx, nil, nil); err != nil || len(h) != 0 {
		t.Errorf("health of nothing: %v, %v", h, err)
	}
}
