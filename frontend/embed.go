// Package frontend holds the explorer, built by Vite into static/app and
// embedded into the server binary (make build, make run and make test
// build it first).
package frontend

import (
	"embed"
	"io/fs"
)

//go:embed all:static
var static embed.FS

// App returns the built explorer, or nil when this binary was built
// without it.
func App() fs.FS {
	app, err := fs.Sub(static, "static/app")
	if err != nil {
		return nil
	}
	if _, err := fs.Stat(app, "index.html"); err != nil {
		return nil
	}
	return app
}
