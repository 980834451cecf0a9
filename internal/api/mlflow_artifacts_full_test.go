package api_test

import (
	"bytes"
	"crypto/rand"
	"net/http"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/exphub/exphub/internal/store"
)

// TestMLflowArtifactsDiskFull: on an artifact storage that fills up (a
// real tmpfs of 96 KiB), an upload that does not fit is refused with a
// clear 503 that names the cause and no server path, leaves no partial
// file and no artifact record, and the storage keeps serving what fits.
func TestMLflowArtifactsDiskFull(t *testing.T) {
	mnt := filepath.Join(t.TempDir(), "full")
	if err := syscall.Mkdir(mnt, 0o750); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", mnt, "tmpfs", 0, "size=96k,mode=0750"); err != nil {
		t.Fatalf("mount a 96 KiB tmpfs at %s (the test runs as root, as make test does): %v", mnt, err)
	}
	t.Cleanup(func() { _ = syscall.Unmount(mnt, syscall.MNT_DETACH) })
	w := newArtifactsWorldAt(t, mnt)
	root, runID := w.runPath(t, w.contributor, "full-disk")
	random := func(n int) []byte {
		b := make([]byte, n)
		rand.Read(b)
		return b
	}

	if r := w.put(t, w.contributor, root+"/first.bin", random(60<<10)); r.Status != http.StatusOK {
		t.Fatalf("the first upload (fits): %d %s", r.Status, r.Body)
	}
	before := w.blobFiles(t)
	r := w.put(t, w.contributor, root+"/second.bin", random(60<<10))
	r.mlflowError(t, http.StatusServiceUnavailable, "TEMPORARILY_UNAVAILABLE", "artifact storage is full", "nothing of the upload was stored")
	if strings.Contains(string(r.Body), mnt) || strings.Contains(string(r.Body), "/tmp") {
		t.Errorf("the refusal names a server path: %s", r.Body)
	}
	if after := w.blobFiles(t); len(after) != len(before) {
		t.Errorf("the storage holds %v after the refused upload, %v before", after, before)
	}
	arts, err := w.st.ArtifactsOf(ctxT(t), store.ArtifactOwner{Kind: store.ArtifactOfRun, ID: runID})
	if err != nil {
		t.Fatal(err)
	}
	if len(arts) != 1 || !strings.HasSuffix(arts[0].Path, "first.bin") {
		t.Errorf("the run's artifacts after the refused upload: %+v, want first.bin only", arts)
	}
	small := bytes.Repeat([]byte("ok"), 512)
	if r := w.put(t, w.contributor, root+"/small.txt", small); r.Status != http.StatusOK {
		t.Errorf("an upload that fits, after a refused one: %d %s", r.Status, r.Body)
	}
}
