package blobs_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/store/blobs"
)

// files lists the regular files under root.
func files(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestLocal(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	l, err := blobs.NewLocal(root)
	if err != nil {
		t.Fatal(err)
	}
	content := "hello, artifact\n"
	sum := sha256.Sum256([]byte(content))
	want := hex.EncodeToString(sum[:])

	b, err := l.Put(ctx, strings.NewReader(content), 100)
	if err != nil || b.Digest != want || b.Size != int64(len(content)) {
		t.Fatalf("Put = %+v, %v; want %s", b, err, want)
	}
	again, err := l.Put(ctx, strings.NewReader(content), 100)
	if err != nil || again != b {
		t.Fatalf("second Put = %+v, %v", again, err)
	}
	if got := files(t, root); len(got) != 1 || filepath.Base(got[0]) != want {
		t.Errorf("files after two puts of one content = %v, want one named by its digest", got)
	}
	rc, size, err := l.Open(ctx, want)
	if err != nil || size != int64(len(content)) {
		t.Fatalf("Open = %d, %v", size, err)
	}
	got, _ := io.ReadAll(rc)
	rc.Close()
	if string(got) != content {
		t.Errorf("read back %q", got)
	}
	if ok, err := l.Exists(ctx, want); !ok || err != nil {
		t.Errorf("Exists = %v, %v", ok, err)
	}

	t.Run("over the limit stores nothing", func(t *testing.T) {
		root := t.TempDir()
		l, _ := blobs.NewLocal(root)
		_, err := l.Put(ctx, strings.NewReader(strings.Repeat("x", 101)), 100)
		if !errors.Is(err, errs.TooLarge) || !strings.Contains(err.Error(), "100 bytes") {
			t.Fatalf("Put of 101 bytes with max 100 = %v, want TooLarge naming the limit", err)
		}
		if got := files(t, root); len(got) != 0 {
			t.Errorf("files after a refused put = %v", got)
		}
		if _, err := l.Put(ctx, strings.NewReader(strings.Repeat("x", 100)), 100); err != nil {
			t.Errorf("Put of exactly max bytes = %v", err)
		}
	})
	t.Run("missing and malformed digests", func(t *testing.T) {
		missing := strings.Repeat("0", 64)
		if _, _, err := l.Open(ctx, missing); !errors.Is(err, errs.NotFound) {
			t.Errorf("Open of a missing blob = %v", err)
		}
		if ok, err := l.Exists(ctx, missing); ok || err != nil {
			t.Errorf("Exists of a missing blob = %v, %v", ok, err)
		}
		for _, d := range []string{"", "../../etc/passwd", strings.Repeat("A", 64), want[:63]} {
			if _, _, err := l.Open(ctx, d); !errors.Is(err, errs.Invalid) {
				t.Errorf("Open(%q) = %v, want Invalid", d, err)
			}
		}
	})
	t.Run("a cancelled upload stores nothing", func(t *testing.T) {
		root := t.TempDir()
		l, _ := blobs.NewLocal(root)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := l.Put(cctx, strings.NewReader("abc"), 100); !errors.Is(err, context.Canceled) {
			t.Errorf("Put with a cancelled context = %v", err)
		}
		if got := files(t, root); len(got) != 0 {
			t.Errorf("files after a cancelled put = %v", got)
		}
	})
}
