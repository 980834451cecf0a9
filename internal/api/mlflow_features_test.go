package api_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/openlineage"
	"github.com/exphub/exphub/internal/pyenv"
)

// TestMLflowFeatureServicesTag: training code that logs with the real
// mlflow client names the Feast feature service it used with a run tag;
// the run then reads the service's version (Run.featureServices, and the
// feature view upstream in lineage). A tag that names no feature service
// is refused with INVALID_PARAMETER_VALUE and changes nothing.
func TestMLflowFeatureServicesTag(t *testing.T) {
	w := newMLflowWorld(t)
	// Feast applied a repository in the project (its recorded events).
	ol := openlineage.New(w.h.st, openlineage.Config{DefaultProject: w.key})
	feast := &auth.Principal{Subject: "feast", Roles: map[string]auth.Role{w.key: auth.RoleContributor}}
	for _, name := range []string{"feast-apply-01-complete.json", "feast-apply-02-complete.json"} {
		b, err := os.ReadFile("../openlineage/testdata/events/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ol.Ingest(t.Context(), feast, b); err != nil {
			t.Fatal(err)
		}
	}
	py := pyenv.Python(t, "mlflow")
	out := pyenv.Run(t, py, "testdata/mlflow/feature_services.py", []string{
		"MLFLOW_TRACKING_URI=" + w.h.srv.URL, "MLFLOW_TRACKING_TOKEN=" + w.contributor,
		"MLFLOW_DISABLE_TELEMETRY=true", "DO_NOT_TRACK=true", "MLFLOW_SUPPRESS_PRINTING_URL_TO_STDOUT=true",
		"MLFLOW_HTTP_REQUEST_MAX_RETRIES=0", "SERVICE=hub_demo/driver_activity_v1",
	})
	var got struct {
		AtStart string `json:"at_start"`
		ByTag   string `json:"by_tag"`
		Refused string
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("feature_services.py printed %q: %v", out, err)
	}
	if got.Refused != "INVALID_PARAMETER_VALUE" {
		t.Fatalf("a tag naming no feature service: %q", got.Refused)
	}
	for _, id := range []string{got.AtStart, got.ByTag} {
		var run struct {
			Node struct {
				Tags            []struct{ Key, Value string }
				Inputs          []struct{ ID string }
				FeatureServices []struct{ Name, Namespace string }
			}
		}
		w.h.gql(t, w.viewer, `query($id: ID!) { node(id: $id) { ... on Run { tags { key value } inputs { id } featureServices { name namespace } } } }`,
			map[string]any{"id": hubRunID(t, id)}).ok(t, &run)
		r := run.Node
		if len(r.FeatureServices) != 1 || r.FeatureServices[0].Name != "driver_activity_v1" || r.FeatureServices[0].Namespace != "hub_demo" || len(r.Inputs) != 1 {
			t.Fatalf("run %s: services %+v, inputs %+v", id, r.FeatureServices, r.Inputs)
		}
		for _, tag := range r.Tags {
			if tag.Key == "exphub.feature_services" && tag.Value != "hub_demo/driver_activity_v1" {
				t.Fatalf("run %s: the refused tag was written: %+v", id, tag)
			}
		}
		var lin struct {
			Lineage struct{ Nodes []struct{ Name string } }
		}
		w.h.gql(t, w.viewer, `query($r: ID!) { lineage(id: $r, direction: UPSTREAM, depth: 4) { nodes { name } } }`,
			map[string]any{"r": hubRunID(t, id)}).ok(t, &lin)
		found := false
		for _, n := range lin.Lineage.Nodes {
			found = found || len(n.Name) >= len("driver_hourly_stats") && n.Name[:len("driver_hourly_stats")] == "driver_hourly_stats"
		}
		if !found {
			t.Fatalf("run %s: the feature view is not upstream: %+v", id, lin.Lineage.Nodes)
		}
	}
}
