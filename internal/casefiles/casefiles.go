// Package casefiles runs behaviour specified as data: a folder of YAML
// case files, one subtest each, decoded strictly (an unknown field is a
// mistake in the case, not something to ignore). A new case is a new file.
//
// It is a test kernel: it must not import anything of the hub's.
package casefiles

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

// Run decodes every dir/*.yaml into a T and calls run with it in a parallel
// subtest named after the file. No case files fail the test.
func Run[T any](t *testing.T, dir string, run func(t *testing.T, name string, tc T)) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no cases in %s", dir)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".yaml")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var tc T
			if err := yaml.UnmarshalWithOptions(raw, &tc, yaml.DisallowUnknownField()); err != nil {
				t.Fatalf("case file: %v", err)
			}
			run(t, name, tc)
		})
	}
}
