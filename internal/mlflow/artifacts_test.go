package mlflow_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/mlflow"
	"github.com/exphub/exphub/internal/store"
)

func TestParseArtifactPath(t *testing.T) {
	const exp, run, model = "exp_1", "0123456789abcdef0123456789abcdef", "m-0123456789abcdef0123456789abcdef"
	for _, c := range []struct {
		path string
		file bool
		want mlflow.ArtifactRef
	}{
		{exp + "/" + run + "/artifacts/notes/a.txt", true, mlflow.ArtifactRef{ExperimentID: exp, RunID: run, Path: "notes/a.txt"}},
		{exp + "/" + run + "/artifacts", false, mlflow.ArtifactRef{ExperimentID: exp, RunID: run}},
		{exp + "/models/" + model + "/artifacts/MLmodel", true, mlflow.ArtifactRef{ExperimentID: exp, ModelID: model, Path: "MLmodel"}},
		{exp + "/models/" + model + "/artifacts", false, mlflow.ArtifactRef{ExperimentID: exp, ModelID: model}},
		// A run's own directory may be called models.
		{exp + "/" + run + "/artifacts/models/x", true, mlflow.ArtifactRef{ExperimentID: exp, RunID: run, Path: "models/x"}},
	} {
		got, err := mlflow.ParseArtifactPath(c.path, c.file)
		if err != nil || got != c.want {
			t.Errorf("ParseArtifactPath(%q) = %+v, %v; want %+v", c.path, got, err, c.want)
		}
	}
	for _, c := range []struct{ path, mentions string }{
		{exp + "/" + run + "/artifacts", "names no file"},
		{exp + "/x.txt", "<run id>/artifacts"},
		{exp + "/" + run + "/files/x.txt", "<run id>/artifacts"},
		{exp + "/" + run + "/artifacts/../../x", "'..' segment"},
	} {
		if _, err := mlflow.ParseArtifactPath(c.path, true); !errors.Is(err, errs.Invalid) || !strings.Contains(err.Error(), c.mentions) {
			t.Errorf("ParseArtifactPath(%q) = %v, want Invalid mentioning %q", c.path, err, c.mentions)
		}
	}
}

func TestCheckArtifactPath(t *testing.T) {
	for _, ok := range []string{"a", "a/b.txt", "model/MLmodel", "%41.txt", "a..b", ".hidden", "x y/ü.png"} {
		if err := mlflow.CheckArtifactPath("path", ok); err != nil {
			t.Errorf("CheckArtifactPath(%q) = %v", ok, err)
		}
	}
	for p, why := range map[string]string{
		"../x": "'..' segment", "a/../../x": "'..' segment", "a/..": "'..' segment", "%2e%2e/x": "'..' segment",
		"%2E%2E/x": "'..' segment", "./x": "'.' segment", "%2e/x": "'.' segment", "/etc/passwd": "absolute path",
		"a//b": "empty segment", "a/": "empty segment", `..\x`: "backslash", "a%2fb": "encoded slash", "a%5cb": "encoded slash",
		"a\x00b": "control character", "a\nb": "control character", "C:/x": "drive letter", strings.Repeat("a", 1025): "at most 1024",
	} {
		err := mlflow.CheckArtifactPath("path", p)
		if !errors.Is(err, errs.Invalid) || !strings.Contains(err.Error(), why) {
			t.Errorf("CheckArtifactPath(%q) = %v, want Invalid mentioning %q", p, err, why)
		}
		if err != nil && len(err.Error()) > 200 {
			t.Errorf("CheckArtifactPath(%q) quotes too much: %d bytes", p, len(err.Error()))
		}
	}
}

func TestArtifactContentType(t *testing.T) {
	for path, want := range map[string]struct {
		ct     string
		inline bool
	}{
		"notes/a.txt": {"text/plain; charset=utf-8", true}, "plot.PNG": {"image/png", true}, "c.json": {"application/json", true},
		"r.html": {"text/html; charset=utf-8", false}, "i.svg": {"image/svg+xml", false}, "MLmodel": {"application/octet-stream", false},
		"model.skops": {"application/octet-stream", false}, "x.js": {"text/javascript", false},
	} {
		ct, inline := mlflow.ArtifactContentType(path)
		if ct != want.ct || inline != want.inline {
			t.Errorf("ArtifactContentType(%q) = %q, %v; want %q, %v", path, ct, inline, want.ct, want.inline)
		}
	}
}

func TestLoggedModelFilter(t *testing.T) {
	for filter, want := range map[string]store.LoggedModelFilter{
		"":                        {},
		"name = 'clf'":            {Name: "clf"},
		`attributes.name = "a b"`: {Name: "a b"},
		"name='x' AND status = 'LOGGED_MODEL_READY' and model_type = 'sklearn'": {Name: "x", Status: "LOGGED_MODEL_READY", ModelType: "sklearn"},
		"source_run_id = '0123456789abcdef0123456789abcdef'":                    {SourceRunID: "run_01234567-89ab-cdef-0123-456789abcdef"},
	} {
		got, err := mlflow.LoggedModelFilter(filter)
		if err != nil || got != want {
			t.Errorf("LoggedModelFilter(%q) = %+v, %v; want %+v", filter, got, err, want)
		}
	}
	for _, bad := range []string{"metrics.auc > 0.5", "name LIKE 'c%'", "name = clf", "name = 'clf", "name = 'a' OR name = 'b'", "name = 'a' AND", "tags.x = 'y'"} {
		if _, err := mlflow.LoggedModelFilter(bad); !errors.Is(err, errs.Invalid) || !strings.Contains(err.Error(), "filter") {
			t.Errorf("LoggedModelFilter(%q) = %v, want Invalid naming the filter", bad, err)
		}
	}
}
