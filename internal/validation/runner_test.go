package validation

import (
	"testing"

	"github.com/exphub/exphub/internal/datasource"
	"github.com/exphub/exphub/internal/store/blobs"
)

func TestAllowedFiles(t *testing.T) {
	allow, err := datasource.ParseAllowlist([]string{"https://example.com/lake/"})
	if err != nil {
		t.Fatal(err)
	}
	r := New(nil, Options{FileRoots: []string{"/data/lake"}, Remote: datasource.NewOpener(allow, nil, blobs.S3Access{})})
	for uri, ok := range map[string]bool{
		"/data/lake/orders.csv":          true,
		"file:///data/lake/a/b.parquet":  true,
		"/data/lake/../secrets.csv":      false,
		"/data/lakehouse/x.csv":          false,
		"/etc/passwd":                    false,
		"relative.csv":                   false,
		"https://example.com/lake/a.csv": true,
		"https://example.com/orders.csv": false,
		"s3://bucket/orders.csv":         false,
		"ftp://example.com/lake/a.csv":   false,
	} {
		if err := r.allowed(uri); (err == nil) != ok {
			t.Errorf("%s: allowed=%v, want %v (%v)", uri, err == nil, ok, err)
		}
	}
	if err := New(nil, Options{}).allowed("/tmp/x.csv"); err == nil {
		t.Error("without file roots a local file was allowed")
	}
	if err := New(nil, Options{}).allowed("https://example.com/lake/a.csv"); err == nil {
		t.Error("without an allowlist a remote source was allowed")
	}
}
