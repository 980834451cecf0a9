package api

import (
	"io/fs"
	"net/http"
	"path"
	"strings"
)

// explorerHandler serves the React explorer: its files, and index.html for
// every other path, so links into the app (/lineage/…) load it. Without a
// built explorer it says how to build one.
func explorerHandler(app fs.FS) http.Handler {
	if app == nil {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`<!doctype html><title>exphub</title><p>This server was built without the explorer. Build it with <code>make build</code> (or <code>npm ci && npm run build</code> in <code>frontend/</code>); the API is at <a href="/graphql">/graphql</a>.</p>`))
		})
	}
	files := http.FileServerFS(app)
	index, _ := fs.ReadFile(app, "index.html")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
		if name != "" {
			if st, err := fs.Stat(app, name); err == nil && !st.IsDir() {
				if strings.HasPrefix(name, "assets/") {
					// Vite names assets by content hash.
					w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
				}
				files.ServeHTTP(w, r)
				return
			}
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = w.Write(index)
	})
}
