package api_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/store"
	"github.com/exphub/exphub/internal/validation"
)

// setQuality records an exphub-engine result of status for a version.
func setQuality(t *testing.T, st *store.Store, versionID, suite, status string) {
	t.Helper()
	res := `{"engine":"exphub","suite":"` + suite + `","row_count":1,"status":"` + status + `","statistics":{"evaluated":1,"passed":0,"failed":1,"errored":0,"success_percent":0},
		"rules":[{"index":0,"type":"not_null","column":"id","severity":"error","verdict":"` + map[string]string{"PASSED": "PASSED", "WARNED": "FAILED", "FAILED": "FAILED", "ERROR": "ERROR"}[status] +
		`","observed":null,"element_count":1,"missing_count":0,"unexpected_count":1,"unexpected_percent":100}]}`
	in, err := validation.RecordInput(versionID, suite, res)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.RecordValidationResult(t.Context(), "alice", in); err != nil {
		t.Fatal(err)
	}
}

func TestLineageHealth(t *testing.T) {
	h := newHub(t, nil)
	st := h.st
	key, d := newDataset(t, st, "vhl")
	exp, err := st.CreateExperiment(t.Context(), "alice", store.CreateExperimentInput{ProjectKey: key, Name: "e"})
	if err != nil {
		t.Fatal(err)
	}
	digest := strings.Repeat("b", 64)
	// raw (FAILED) → etl → clean (PASSED itself) → train → model; beside
	// them: good (PASSED) → report run, warned (WARNED), fresh (never
	// validated, nothing upstream).
	raw := registerVersion(t, st, d, "raw", "/x/raw.csv", digest)
	clean := registerVersion(t, st, d, "clean", "/x/clean.csv", digest)
	good := registerVersion(t, st, d, "good", "/x/good.csv", digest)
	warned := registerVersion(t, st, d, "warned", "/x/warned.csv", digest)
	fresh := registerVersion(t, st, d, "fresh", "/x/fresh.csv", digest)
	etl, train, report := startRun(t, st, exp.ID, "etl"), startRun(t, st, exp.ID, "train"), startRun(t, st, exp.ID, "report")
	link := func(run string, in, out []string) {
		t.Helper()
		if _, err := st.AddRunInputs(t.Context(), "alice", run, in); err != nil {
			t.Fatal(err)
		}
		if len(out) > 0 {
			if _, err := st.AddRunOutputs(t.Context(), "alice", run, out, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	link(etl.ID, []string{raw.ID}, []string{clean.ID})
	link(train.ID, []string{clean.ID}, nil)
	link(report.ID, []string{good.ID}, nil)
	mv, err := st.RegisterModelVersion(t.Context(), "alice", store.RegisterModelVersionInput{ProjectKey: key, ModelName: "m", RunID: train.ID, URI: "s3://m/1"})
	if err != nil {
		t.Fatal(err)
	}
	setQuality(t, st, raw.ID, "s", "FAILED")
	setQuality(t, st, clean.ID, "s", "PASSED")
	setQuality(t, st, good.ID, "s", "PASSED")
	setQuality(t, st, warned.ID, "s", "WARNED")
	tok := token(t, "bob", map[string]auth.Role{key: auth.RoleViewer})

	var out struct {
		Lineage struct {
			Nodes []struct{ ID, Health string }
		}
		Impact struct{ AtRisk []string }
		Issues []struct {
			DatasetVersion struct{ ID string }
			Status         string
			Distance       int
			FailingRuns    []struct{ ID, Status string }
			FailingRules   []struct{ Type, Verdict string }
		}
		Others []struct{ Health string }
	}
	res := h.gql(t, tok, `query($root: ID!, $raw: ID!, $mv: ID!, $others: [ID!]!) {
		lineage(id: $root, direction: BOTH, depth: 5) { nodes { id health } }
		impact(id: $raw) { atRisk }
		issues: qualityIssuesUpstream(id: $mv) { datasetVersion { id } status distance failingRuns { id status } failingRules { type verdict } }
		others: nodes(ids: $others) { ... on DatasetVersion { health } } }`,
		map[string]any{"root": clean.ID, "raw": raw.ID, "mv": mv.ID, "others": []string{good.ID, warned.ID, fresh.ID}})
	res.ok(t, &out)
	// One statement per upstream level for all lineage nodes together,
	// not one walk per node.
	if n := h.lastQueryCount(t); n > 40 {
		t.Errorf("the query cost %d statements", n)
	}
	got := map[string]string{}
	for _, n := range out.Lineage.Nodes {
		got[n.ID] = n.Health
	}
	want := map[string]string{raw.ID: "FAILED", etl.ID: "AT_RISK", clean.ID: "AT_RISK", train.ID: "AT_RISK", mv.ID: "AT_RISK"}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("health of %s: %q, want %q", id, got[id], w)
		}
	}
	if !slices.Equal(out.Impact.AtRisk, []string{etl.ID, clean.ID, train.ID, mv.ID}) {
		t.Errorf("impact atRisk %v, want etl, clean, train, model", out.Impact.AtRisk)
	}
	if len(out.Issues) != 1 || out.Issues[0].DatasetVersion.ID != raw.ID || out.Issues[0].Distance != 4 || out.Issues[0].Status != "FAILED" ||
		len(out.Issues[0].FailingRuns) != 1 || len(out.Issues[0].FailingRules) != 1 || out.Issues[0].FailingRules[0].Type != "not_null" {
		t.Errorf("issues upstream of the model: %+v", out.Issues)
	}
	others := []string{}
	for _, o := range out.Others {
		others = append(others, o.Health)
	}
	if strings.Join(others, ",") != "OK,WARN,UNKNOWN" {
		t.Errorf("good, warned, fresh: %v", others)
	}
	var r2 struct {
		Lineage struct{ Nodes []struct{ ID, Health string } }
	}
	h.gql(t, tok, `query($id: ID!) { lineage(id: $id, direction: DOWNSTREAM) { nodes { id health } } }`, map[string]any{"id": good.ID}).ok(t, &r2)
	for _, n := range r2.Lineage.Nodes {
		if want := map[string]string{good.ID: "OK", report.ID: "OK"}[n.ID]; n.Health != want {
			t.Errorf("health of %s: %s, want %s", n.ID, n.Health, want)
		}
	}

	t.Run("a failure in a project the caller may not read is not shown", func(t *testing.T) {
		hidden, hd := newDataset(t, st, "vhh")
		bad := registerVersion(t, st, hd, "bad", "/x/bad.csv", digest)
		setQuality(t, st, bad.ID, "s", "FAILED")
		consumer := startRun(t, st, exp.ID, "reads-hidden")
		link(consumer.ID, []string{bad.ID}, nil)
		var o struct {
			Lineage struct {
				Nodes []struct{ ID, Kind, Health string }
			}
		}
		h.gql(t, tok, `query($id: ID!) { lineage(id: $id, direction: UPSTREAM) { nodes { id kind health } } }`, map[string]any{"id": consumer.ID}).ok(t, &o)
		for _, n := range o.Lineage.Nodes {
			if n.Health != "UNKNOWN" {
				t.Errorf("%s %s: health %s, want UNKNOWN", n.Kind, n.ID, n.Health)
			}
		}
		h.gql(t, tok, `query($id: ID!) { qualityIssuesUpstream(id: $id) { distance } }`, map[string]any{"id": consumer.ID}).ok(t, nil)
		both := token(t, "root", map[string]auth.Role{key: auth.RoleViewer, hidden: auth.RoleViewer})
		h.gql(t, both, `query($id: ID!) { lineage(id: $id, direction: UPSTREAM) { nodes { id kind health } } }`, map[string]any{"id": consumer.ID}).ok(t, &o)
		for _, n := range o.Lineage.Nodes {
			if n.ID == consumer.ID && n.Health != "AT_RISK" {
				t.Errorf("for a caller who may read both projects the run is %s, want AT_RISK", n.Health)
			}
		}
	})
}
