package quality

import (
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestScratchAreaFull: a Parquet file read over HTTP is copied to TMPDIR
// first. On a scratch area that fills up (a real tmpfs of 96 KiB), the
// run ends ERROR with every rule ERROR (no partial verdicts), says the
// scratch area is full without naming a server path, and leaves nothing
// in it; a file that fits is validated afterwards.
func TestScratchAreaFull(t *testing.T) {
	mnt := filepath.Join(t.TempDir(), "scratch")
	if err := syscall.Mkdir(mnt, 0o750); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", mnt, "tmpfs", 0, "size=96k,mode=0750"); err != nil {
		t.Fatalf("mount a 96 KiB tmpfs at %s (the test runs as root, as make test does): %v", mnt, err)
	}
	t.Cleanup(func() { _ = syscall.Unmount(mnt, syscall.MNT_DETACH) })
	t.Setenv("TMPDIR", mnt)

	big := make([]byte, 256<<10)
	rand.Read(big)
	small := parquetBytes(t, &parquetSpec{
		Columns: []struct {
			Name     string `yaml:"name"`
			Type     string `yaml:"type"`
			Optional bool   `yaml:"optional"`
		}{{Name: "id", Type: "int64"}},
		Rows: [][]any{{int64(1)}, {int64(2)}},
	})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/big.parquet":
			w.Write(big)
		case "/small.parquet":
			w.Write(small)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	suite := mustSuite(t, `
name: scratch
rules:
  - {type: not_null, column: id}
  - {type: row_count_between, min: 1, max: 10}
`)

	res, err := New(Options{}).Run(t.Context(), suite, Source{URI: srv.URL + "/big.parquet"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != StatusError || res.Error == nil || !strings.Contains(res.Error.Message, "validation scratch area is full") {
		t.Fatalf("status %s, error %v; want ERROR saying the scratch area is full", res.Status, res.Error)
	}
	if strings.Contains(res.Error.Message, mnt) || strings.Contains(res.Error.Message, "exphub-quality-") {
		t.Errorf("the error names a server path: %s", res.Error.Message)
	}
	for _, r := range res.Rules {
		if r.Verdict != VerdictError {
			t.Errorf("rule %d: verdict %s after the scratch area filled; want ERROR", r.Index, r.Verdict)
		}
	}
	if left, err := os.ReadDir(mnt); err != nil || len(left) != 0 {
		t.Errorf("the scratch area holds %v (%v) after the refused run", left, err)
	}

	res, err = New(Options{}).Run(t.Context(), suite, Source{URI: srv.URL + "/small.parquet", ExpectedSHA256: sha(small)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != StatusPassed {
		t.Errorf("a file that fits, after a full scratch area: %s %v", res.Status, res.Error)
	}
}
