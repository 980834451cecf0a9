package api_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
)

const runArtifactsQuery = `query($id: ID!, $path: String) { node(id: $id) { ... on Run {
	artifacts(path: $path) { path name isDir size sha256 downloadUrl } } } }`

type runArtifactEntry struct {
	Path, Name  string
	IsDir       bool
	Size        *int64
	Sha256      *string
	DownloadURL *string
}

// TestRunArtifactsField: Run.artifacts lists a run's directory as MLflow's
// list_artifacts does, with each file's digest and a download URL that the
// artifact proxy serves with the reader's token; a viewer reads, a caller
// of another project sees neither the run nor its files.
func TestRunArtifactsField(t *testing.T) {
	w := newArtifactsWorld(t)
	root, runID := w.runPath(t, w.contributor, "explorer-artifacts")
	files := map[string][]byte{
		"notes/summary.txt":      []byte("converged after 40 epochs\n"),
		"notes/deep/conf.json":   []byte(`{"lr": 0.01}`),
		"plot.png":               {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a},
		"data/with space #1.csv": []byte("a,b\n1,2\n"),
	}
	for p, b := range files {
		raw := strings.NewReplacer(" ", "%20", "#", "%23").Replace(p)
		if r := w.put(t, w.contributor, root+"/"+raw, b); r.Status != http.StatusOK {
			t.Fatalf("PUT %s = %d %s", p, r.Status, r.Body)
		}
	}
	list := func(t *testing.T, tok string, path any) []runArtifactEntry {
		t.Helper()
		var out struct {
			Node *struct{ Artifacts []runArtifactEntry }
		}
		w.h.gql(t, tok, runArtifactsQuery, map[string]any{"id": runID, "path": path}).ok(t, &out)
		if out.Node == nil {
			t.Fatal("the run is not visible")
		}
		return out.Node.Artifacts
	}
	names := func(es []runArtifactEntry) string {
		var s []string
		for _, e := range es {
			n := e.Path
			if e.IsDir {
				n += "/"
			}
			s = append(s, n)
		}
		return strings.Join(s, " ")
	}

	for _, tc := range []struct {
		name string
		path any
		want string
	}{
		{"root", nil, "data/ notes/ plot.png"},
		{"root as empty string", "", "data/ notes/ plot.png"},
		{"directory", "notes", "notes/deep/ notes/summary.txt"},
		{"nested directory with a trailing slash", "notes/deep/", "notes/deep/conf.json"},
		{"a file lists nothing", "plot.png", ""},
		{"nothing there", "missing", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := names(list(t, w.viewer, tc.path)); got != tc.want {
				t.Errorf("artifacts(path: %v) = %q, want %q", tc.path, got, tc.want)
			}
		})
	}

	t.Run("a viewer downloads each file through its URL", func(t *testing.T) {
		for _, dir := range []string{"", "notes", "notes/deep", "data"} {
			for _, e := range list(t, w.viewer, dir) {
				if e.IsDir {
					if e.Size != nil || e.Sha256 != nil || e.DownloadURL != nil {
						t.Errorf("directory %s has a size, digest or URL: %+v", e.Path, e)
					}
					continue
				}
				want := files[e.Path]
				if e.Size == nil || *e.Size != int64(len(want)) || e.Sha256 == nil || *e.Sha256 != sha256Hex(want) || e.DownloadURL == nil {
					t.Fatalf("file %s: %+v, want size %d and sha256 %s", e.Path, e, len(want), sha256Hex(want))
				}
				if e.Name != e.Path[strings.LastIndex(e.Path, "/")+1:] {
					t.Errorf("file %s is named %q", e.Path, e.Name)
				}
				got := w.send(t, w.viewer, http.MethodGet, *e.DownloadURL, nil, 0)
				if got.Status != http.StatusOK || !bytes.Equal(got.Body, want) {
					t.Errorf("GET %s = %d %q, want 200 %q", *e.DownloadURL, got.Status, got.Body, want)
				}
				if anon := w.send(t, "", http.MethodGet, *e.DownloadURL, nil, 0); anon.Status != http.StatusUnauthorized {
					t.Errorf("GET %s without a token = %d, want 401", *e.DownloadURL, anon.Status)
				}
			}
		}
	})

	t.Run("a bad path is refused by name", func(t *testing.T) {
		for _, p := range []string{"../other", "/abs", "notes//deep"} {
			res := w.h.gql(t, w.viewer, runArtifactsQuery, map[string]any{"id": runID, "path": p})
			if res.code() != "BAD_USER_INPUT" || !strings.Contains(string(res.Raw), "path") {
				t.Errorf("artifacts(path: %q) = %s, want BAD_USER_INPUT naming the path", p, res.Raw)
			}
		}
	})

	t.Run("another project's caller sees the run as missing", func(t *testing.T) {
		for _, path := range []any{nil, "notes"} {
			res := w.h.gql(t, w.other, runArtifactsQuery, map[string]any{"id": runID, "path": path})
			// node answers null for what the caller may not read, as for
			// what does not exist.
			if string(res.Data) != `{"node":null}` || len(res.Errors) > 0 {
				t.Errorf("node(run of another project) = %s, want node null", res.Raw)
			}
			for p, b := range files {
				for _, secret := range []string{p[strings.LastIndex(p, "/")+1:], sha256Hex(b)} {
					if strings.Contains(string(res.Raw), secret) {
						t.Errorf("the answer to another project's caller holds %q: %s", secret, res.Raw)
					}
				}
			}
		}
	})
}
