package api_test

import (
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/store"
)

// TestQualityDashboard: a project with a dataset whose version failed its
// suite, a dataset without suites, a model trained on the failed data and
// one without lineage, and in the other dataset a version derived from the
// failed one and a version with no lineage. The dashboard counts them in
// the database, lists the failed version, the suite's timing, the model
// and the derived version at risk (not the others, nor the failed version
// itself), refuses a period out of range and a project the caller does
// not read.
func TestQualityDashboard(t *testing.T) {
	h := newHub(t, nil)
	ctx := t.Context()
	key, d := newDataset(t, h.st, "qdash")
	unsuited := must(h.st.RegisterDataset(ctx, "alice", store.RegisterDatasetInput{ProjectKey: key, Namespace: "s3://b", Name: "unsuited"})).of(t)
	path, sum := writeData(t, "orders.csv", ordersCSV)
	v := registerVersion(t, h.st, d, "v1", path, sum)
	derived := registerVersion(t, h.st, unsuited, "derived", "s3://b/derived", strings.Repeat("d", 64), v.ID)
	registerVersion(t, h.st, unsuited, "alone", "s3://b/alone", strings.Repeat("a", 64))
	tok := token(t, "carol", map[string]auth.Role{key: auth.RoleContributor})
	if run := awaitRun(t, h, tok, runValidation(t, h, tok, createSuite(t, h, tok, d.ID, "orders-basic", ordersSuite), v.ID)); run.Status != "FAILED" {
		t.Fatalf("run %+v, want FAILED", run)
	}
	exp := must(h.st.CreateExperiment(ctx, "alice", store.CreateExperimentInput{ProjectKey: key, Name: "train"})).of(t)
	train := must(h.st.StartRun(ctx, "alice", store.StartRunInput{ExperimentID: exp.ID, Name: "on failed data"})).of(t)
	must(h.st.AddRunInputs(ctx, "alice", train.ID, []string{v.ID})).of(t)
	atRisk := must(h.st.RegisterModelVersion(ctx, "alice", store.RegisterModelVersionInput{ProjectKey: key, ModelName: "m", RunID: train.ID, URI: "s3://m/1"})).of(t)
	must(h.st.RegisterModelVersion(ctx, "alice", store.RegisterModelVersionInput{ProjectKey: key, ModelName: "m", URI: "s3://m/2"})).of(t)

	const q = `query($k: String!, $days: Int) { qualityDashboard(projectKey: $k, days: $days) {
		projectKey datasets datasetsWithSuites versions validatedVersions failingVersions
		days { day runs passed } slowestSuites { suite { name } runs meanSeconds maxSeconds }
		failing { id qualityStatus } modelsAtRisk { id } datasetsAtRisk { id } } }`
	var out struct {
		QualityDashboard struct {
			ProjectKey                                                                 string
			Datasets, DatasetsWithSuites, Versions, ValidatedVersions, FailingVersions int
			Days                                                                       []struct{ Runs, Passed int }
			SlowestSuites                                                              []struct {
				Suite                   struct{ Name string }
				Runs                    int
				MeanSeconds, MaxSeconds float64
			}
			Failing        []struct{ ID, QualityStatus string }
			ModelsAtRisk   []struct{ ID string }
			DatasetsAtRisk []struct{ ID string }
		}
	}
	viewer := token(t, "vic", map[string]auth.Role{key: auth.RoleViewer})
	h.gql(t, viewer, q, map[string]any{"k": key, "days": 7}).ok(t, &out)
	got := out.QualityDashboard
	if got.ProjectKey != key || got.Datasets != 2 || got.DatasetsWithSuites != 1 || got.Versions != 3 || got.ValidatedVersions != 1 || got.FailingVersions != 1 {
		t.Errorf("counts %+v", got)
	}
	if len(got.Days) != 1 || got.Days[0].Runs != 1 || got.Days[0].Passed != 0 {
		t.Errorf("days %+v, want one day with one run that did not pass", got.Days)
	}
	if len(got.SlowestSuites) != 1 || got.SlowestSuites[0].Suite.Name != "orders-basic" || got.SlowestSuites[0].Runs != 1 ||
		got.SlowestSuites[0].MaxSeconds < got.SlowestSuites[0].MeanSeconds || got.SlowestSuites[0].MeanSeconds < 0 {
		t.Errorf("slowest suites %+v", got.SlowestSuites)
	}
	if len(got.Failing) != 1 || got.Failing[0].ID != v.ID || got.Failing[0].QualityStatus != "FAILED" {
		t.Errorf("failing %+v, want %s", got.Failing, v.ID)
	}
	if ids := got.ModelsAtRisk; len(ids) != 1 || ids[0].ID != atRisk.ID {
		t.Errorf("models at risk %+v, want only %s", ids, atRisk.ID)
	}
	if ids := got.DatasetsAtRisk; len(ids) != 1 || ids[0].ID != derived.ID {
		t.Errorf("dataset versions at risk %+v, want only %s", ids, derived.ID)
	}

	for _, bad := range []struct {
		days      int
		tok, code string
		says      string
	}{
		{0, viewer, "BAD_USER_INPUT", "days: must be 1 to 90, got 0"},
		{91, viewer, "BAD_USER_INPUT", "days: must be 1 to 90, got 91"},
		{7, token(t, "olga", map[string]auth.Role{"elsewhere": auth.RoleAdmin}), "FORBIDDEN", "viewer"},
	} {
		res := h.gql(t, bad.tok, q, map[string]any{"k": key, "days": bad.days})
		res.fails(t, bad.code, bad.says)
		assertNullData(t, res)
	}
}
