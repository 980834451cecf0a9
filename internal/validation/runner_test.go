package validation

import (
	"testing"
)

func TestAllowedFiles(t *testing.T) {
	r := New(nil, Options{FileRoots: []string{"/data/lake"}})
	for uri, ok := range map[string]bool{
		"/data/lake/orders.csv":          true,
		"file:///data/lake/a/b.parquet":  true,
		"/data/lake/../secrets.csv":      false,
		"/data/lakehouse/x.csv":          false,
		"/etc/passwd":                    false,
		"relative.csv":                   false,
		"https://example.com/orders.csv": true,
		"s3://bucket/orders.csv":         false,
	} {
		if err := r.allowed(uri); (err == nil) != ok {
			t.Errorf("%s: allowed=%v, want %v (%v)", uri, err == nil, ok, err)
		}
	}
	if err := New(nil, Options{}).allowed("/tmp/x.csv"); err == nil {
		t.Error("without file roots a local file was allowed")
	}
}
