package api

import (
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/mlflow"
)

// MLflow's artifact proxy, as the client's mlflow-artifacts repository
// calls it: PUT and GET /api/2.0/mlflow-artifacts/artifacts/<path> upload
// and download one file (the body is the file), GET
// /api/2.0/mlflow-artifacts/artifacts?path=<dir> lists a directory. These
// routes carry a path, so they are matched by prefix (mlflowOutputsAPI.
// route); an upload is streamed, not read into memory first.

// mlflowArtifactsRoot is the artifact proxy's root.
const mlflowArtifactsRoot = "/api/2.0/mlflow-artifacts/artifacts"

// mlflowOutputsAPI serves what runs produce: artifacts and logged models.
type mlflowOutputsAPI struct {
	arts *mlflow.Artifacts
}

// mlflowStreams reports whether a request's body is streamed to its
// handler rather than read whole under the body limit: artifact uploads.
func mlflowStreams(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, mlflowArtifactsRoot+"/")
}

// route finds the route of a path with parameters: artifact paths, logged
// model IDs.
func (x *mlflowOutputsAPI) route(path string) (mlflowRoute, bool) {
	if path == mlflowArtifactsRoot {
		return mlflowRoute{[]string{http.MethodGet}, x.listArtifacts}, true
	}
	if rel, ok := strings.CutPrefix(path, mlflowArtifactsRoot+"/"); ok {
		return mlflowRoute{[]string{http.MethodGet, http.MethodPut}, func(r *http.Request, p *auth.Principal) (any, error) {
			if r.Method == http.MethodPut {
				return x.upload(r, p, rel)
			}
			return x.download(r, p, rel)
		}}, true
	}
	return x.loggedModelRoute(path)
}

func (x *mlflowOutputsAPI) upload(r *http.Request, p *auth.Principal, rel string) (any, error) {
	body := r.Body
	if body == nil {
		body = http.NoBody
	}
	_, err := x.arts.Upload(r.Context(), p, rel, body, r.ContentLength)
	return nil, err
}

func (x *mlflowOutputsAPI) download(r *http.Request, p *auth.Principal, rel string) (any, error) {
	d, err := x.arts.Download(r.Context(), p, rel)
	if err != nil {
		return nil, err
	}
	return artifactDownload{d}, nil
}

// artifactDownload streams a file. Its Content-Type comes from the
// extension (mlflow.ArtifactContentType), never from sniffing, and what a
// browser would render as active content (HTML, SVG, anything unknown) is
// an attachment, so an uploaded page never runs on the hub's origin.
type artifactDownload struct{ *mlflow.Download }

func (d artifactDownload) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer d.Content.Close()
	ct, inline := mlflow.ArtifactContentType(d.Path)
	h := w.Header()
	h.Set("Content-Type", ct)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Content-Length", strconv.FormatInt(d.Size, 10))
	h.Set("ETag", `"sha256:`+d.SHA256+`"`)
	name := d.Path[strings.LastIndex(d.Path, "/")+1:]
	disp := "inline"
	if !inline {
		disp = "attachment"
	}
	h.Set("Content-Disposition", disp+`; filename="`+strings.NewReplacer(`"`, "_", `\`, "_").Replace(name)+`"`)
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = io.Copy(w, d.Content)
	}
}

type mlflowFileInfo struct {
	Path     string    `json:"path"`
	IsDir    bool      `json:"is_dir"`
	FileSize *protoInt `json:"file_size,omitempty"`
}

func (x *mlflowOutputsAPI) listArtifacts(r *http.Request, p *auth.Principal) (any, error) {
	var req struct {
		Path string `json:"path"`
	}
	if err := mlflowDecode(r, &req); err != nil {
		return nil, err
	}
	entries, err := x.arts.List(r.Context(), p, req.Path)
	if err != nil {
		return nil, err
	}
	files := make([]mlflowFileInfo, len(entries))
	for i, e := range entries {
		files[i] = mlflowFileInfo{Path: e.Name, IsDir: e.IsDir}
		if !e.IsDir {
			n := protoInt(e.Size)
			files[i].FileSize = &n
		}
	}
	return map[string]any{"files": files}, nil
}

// mlflowArtifactPaths sends requests under the artifact proxy to h before
// next (the mux) sees them: the mux answers a path with "." or ".."
// segments with a redirect to the cleaned path, and a client that follows
// it would land on another path than it named. Here such a path is refused
// as what it is (mlflow.CheckArtifactPath).
func mlflowArtifactPaths(h, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/2.0/mlflow-artifacts/") {
			h.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}
