package datasource

import (
	"strings"
	"testing"
)

func TestAllowlistAdmitsOnlyItsPrefixes(t *testing.T) {
	a, err := ParseAllowlist([]string{"https://Data.Example.com/lake/", "http://minio.internal:9000/raw", "s3://warehouse/curated"})
	if err != nil {
		t.Fatal(err)
	}
	for uri, want := range map[string]string{
		// admitted: the prefix, segment by segment, whatever the case of
		// the host and however the default port is written
		"https://data.example.com/lake/orders.csv":          "",
		"https://DATA.example.com:443/lake/2026/orders.csv": "",
		"https://data.example.com/lake/orders.csv?sig=abc":  "",
		"http://minio.internal:9000/raw/a.parquet":          "",
		"s3://warehouse/curated/orders/part-0.parquet":      "",
		"S3://warehouse/curated/x.csv":                      "",
		// outside: another path, host, port, scheme or bucket
		"https://data.example.com/lakehouse/orders.csv":   "EXPHUB_VALIDATION_SOURCES",
		"https://data.example.com/orders.csv":             "EXPHUB_VALIDATION_SOURCES",
		"http://data.example.com/lake/orders.csv":         "EXPHUB_VALIDATION_SOURCES",
		"https://data.example.com:8443/lake/orders.csv":   "EXPHUB_VALIDATION_SOURCES",
		"https://data.example.com.evil.test/lake/x.csv":   "EXPHUB_VALIDATION_SOURCES",
		"http://minio.internal/raw/a.parquet":             "EXPHUB_VALIDATION_SOURCES",
		"http://169.254.169.254/latest/meta-data/":        "EXPHUB_VALIDATION_SOURCES",
		"http://127.0.0.1:7474/db/neo4j/tx":               "EXPHUB_VALIDATION_SOURCES",
		"s3://warehouse/raw/orders.csv":                   "EXPHUB_VALIDATION_SOURCES",
		"s3://warehouse-2/curated/orders.csv":             "EXPHUB_VALIDATION_SOURCES",
		"s3://warehouse/curatedx/orders.csv":              "EXPHUB_VALIDATION_SOURCES",
		"https://data.example.com@169.254.169.254/lake/x": "no credentials",
		"https://u:p@data.example.com/lake/x.csv":         "no credentials",
		// never read: ambiguous paths and other schemes
		"https://data.example.com/lake/../admin":       "'..'",
		"https://data.example.com/lake/./x.csv":        "'.'",
		"https://data.example.com/lake/a%2F..%2Fadmin": "encoded slashes",
		"https://data.example.com/lake//x.csv":         "empty segments",
		"ftp://data.example.com/lake/x.csv":            "not \"ftp://\"",
		"gopher://data.example.com/lake/x.csv":         "http://, https://, s3://, gs:// and az://",
		"https:/data.example.com/lake/x.csv":           "names a host",
		"s3://warehouse:9000/curated/x.csv":            "names a bucket",
	} {
		err := a.Check(uri)
		switch {
		case want == "" && err != nil:
			t.Errorf("%s: refused: %v", uri, err)
		case want != "" && err == nil:
			t.Errorf("%s: admitted, want refused (%s)", uri, want)
		case want != "" && !strings.Contains(err.Error(), want):
			t.Errorf("%s: error %q does not say %q", uri, err, want)
		}
	}
}

func TestAllowlistRefusesByDefault(t *testing.T) {
	for _, a := range []*Allowlist{nil, {}} {
		if err := a.Check("https://data.example.com/x.csv"); err == nil || !strings.Contains(err.Error(), "EXPHUB_VALIDATION_SOURCES") {
			t.Errorf("an empty allowlist admitted a source: %v", err)
		}
		if !a.Empty() || a.Schemes("https") {
			t.Error("an empty allowlist says it admits something")
		}
	}
	a, err := ParseAllowlist([]string{Any})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Check("http://10.0.0.1:8080/x.csv"); err != nil {
		t.Errorf("* refused a source: %v", err)
	}
	// Even * reads no other scheme and no ambiguous path.
	for _, uri := range []string{"file:///etc/passwd", "http://h/a/../b", "https://u:p@h/x"} {
		if a.Check(uri) == nil {
			t.Errorf("* admitted %s", uri)
		}
	}
}

func TestAllowlistEntriesAreChecked(t *testing.T) {
	for entry, want := range map[string]string{
		"ftp://files.example.com/":      "http://, https://, s3://, gs:// and az://",
		"https://h/lake?x=1":            "no query",
		"https://h/lake/../":            "'..'",
		"https://user:pw@h/":            "no credentials",
		"data.example.com/lake":         "http://, https://, s3://, gs:// and az://",
		"s3://bucket:1/":                "names a bucket",
		"https://h/" + "\x7f" + "/lake": "not a URL",
	} {
		_, err := ParseAllowlist([]string{entry})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("entry %q: error %v, want one saying %q", entry, err, want)
		}
	}
}
