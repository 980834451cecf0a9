package blobs_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/motoserver"
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

// partSize is the S3 store's part size in these tests, S3's minimum: an
// upload of more than this is a multipart upload.
const partSize = 5 << 20

// backend is one Store implementation: open returns a new, empty store
// for the test, and a function listing everything the store then holds
// (finished blobs, temporary files or objects, uploads in progress).
type backend struct {
	name string
	open func(t *testing.T) (blobs.Store, func() []string)
}

func localBackend() backend {
	return backend{"local", func(t *testing.T) (blobs.Store, func() []string) {
		root := t.TempDir()
		l, err := blobs.NewLocal(root)
		if err != nil {
			t.Fatal(err)
		}
		return l, func() []string { return files(t, root) }
	}}
}

// s3Backend keeps each test's blobs in a bucket of its own on srv, under
// a prefix, as a deployment would.
func s3Backend(srv *motoserver.Server) backend {
	return backend{"s3", func(t *testing.T) (blobs.Store, func() []string) {
		s := newS3(t, srv, srv.CreateBucket(t, motoserver.BucketName(t)))
		return s, func() []string {
			got, err := blobs.Leftovers(context.Background(), s)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
	}}
}

func newS3(t testing.TB, srv *motoserver.Server, bucket string) *blobs.S3 {
	t.Helper()
	s, err := blobs.NewS3(t.Context(), blobs.S3Config{Root: "s3://" + bucket + "/hub/artifacts", Endpoint: srv.Endpoint,
		Region: "us-east-1", PathStyle: true, PartSize: partSize})
	if err != nil {
		t.Fatal(err)
	}
	if s.Bucket() != bucket || s.Prefix() != "hub/artifacts/" {
		t.Fatalf("bucket %q prefix %q", s.Bucket(), s.Prefix())
	}
	return s
}

func digestOf(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// stream is n pseudo-random bytes from seed, made as they are read: a
// large upload that is never in memory as a whole.
func stream(seed uint64, n int64) io.Reader {
	return io.LimitReader(rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8)}), n)
}

func streamDigest(t testing.TB, seed uint64, n int64) string {
	t.Helper()
	h := sha256.New()
	if _, err := io.Copy(h, stream(seed, n)); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// readBack opens digest and returns the sha256 of what it streams and the
// size Open announced.
func readBack(t *testing.T, s blobs.Store, digest string) (string, int64) {
	t.Helper()
	rc, size, err := s.Open(t.Context(), digest)
	if err != nil {
		t.Fatalf("Open(%s) = %v", digest, err)
	}
	defer rc.Close()
	h := sha256.New()
	if _, err := io.Copy(h, rc); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil)), size
}

// stored reports whether held holds exactly one entry, at the content
// address of digest.
func stored(held []string, digest string) bool {
	return len(held) == 1 && strings.HasSuffix(filepath.ToSlash(held[0]), "sha256/"+digest[:2]+"/"+digest)
}

// failingReader yields some bytes, then an error, as a client that drops
// its connection mid-upload.
type failingReader struct{ r io.Reader }

func (f *failingReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		return n, errors.New("connection reset by peer")
	}
	return n, err
}

// storeCases are the Store contract, run against every backend.
var storeCases = []struct {
	name string
	run  func(t *testing.T, s blobs.Store, held func() []string)
}{
	{"put, digest, read back", func(t *testing.T, s blobs.Store, held func() []string) {
		content := []byte("hello, artifact\n")
		want := digestOf(content)
		b, err := s.Put(t.Context(), bytes.NewReader(content), 100)
		if err != nil || b.Digest != want || b.Size != int64(len(content)) {
			t.Fatalf("Put = %+v, %v; want %s", b, err, want)
		}
		again, err := s.Put(t.Context(), bytes.NewReader(content), 100)
		if err != nil || again != b {
			t.Fatalf("second Put = %+v, %v", again, err)
		}
		if got := held(); !stored(got, want) {
			t.Errorf("store holds %v after two puts of one content, want one blob named by its digest", got)
		}
		rc, size, err := s.Open(t.Context(), want)
		if err != nil || size != int64(len(content)) {
			t.Fatalf("Open = %d, %v", size, err)
		}
		got, _ := io.ReadAll(rc)
		rc.Close()
		if !bytes.Equal(got, content) {
			t.Errorf("read back %q", got)
		}
		if ok, err := s.Exists(t.Context(), want); !ok || err != nil {
			t.Errorf("Exists = %v, %v", ok, err)
		}
	}},
	{"empty blob", func(t *testing.T, s blobs.Store, held func() []string) {
		b, err := s.Put(t.Context(), strings.NewReader(""), 100)
		if err != nil || b.Digest != digestOf(nil) || b.Size != 0 {
			t.Fatalf("Put of nothing = %+v, %v", b, err)
		}
		if d, size := readBack(t, s, b.Digest); d != b.Digest || size != 0 {
			t.Errorf("read back %s, %d bytes", d, size)
		}
	}},
	{"streaming put of several parts", func(t *testing.T, s blobs.Store, held func() []string) {
		const n = 3*partSize + 12345 // four parts, the last one short
		want := streamDigest(t, 1, n)
		b, err := s.Put(t.Context(), stream(1, n), n)
		if err != nil || b.Digest != want || b.Size != n {
			t.Fatalf("Put = %+v, %v; want %s, %d bytes", b, err, want, n)
		}
		if got := held(); !stored(got, want) {
			t.Errorf("store holds %v, want one blob named by its digest", got)
		}
		if d, size := readBack(t, s, want); d != want || size != n {
			t.Errorf("read back %s, %d bytes; want %s, %d", d, size, want, n)
		}
	}},
	{"over the limit stores nothing", func(t *testing.T, s blobs.Store, held func() []string) {
		_, err := s.Put(t.Context(), strings.NewReader(strings.Repeat("x", 101)), 100)
		if !errors.Is(err, errs.TooLarge) || !strings.Contains(err.Error(), "100 bytes") {
			t.Fatalf("Put of 101 bytes with max 100 = %v, want TooLarge naming the limit", err)
		}
		if got := held(); len(got) != 0 {
			t.Errorf("store holds %v after a refused put", got)
		}
		if _, err := s.Put(t.Context(), strings.NewReader(strings.Repeat("x", 100)), 100); err != nil {
			t.Errorf("Put of exactly max bytes = %v", err)
		}
	}},
	{"over the limit after parts were sent stores nothing", func(t *testing.T, s blobs.Store, held func() []string) {
		const max = 2*partSize + 10
		_, err := s.Put(t.Context(), stream(2, 3*partSize), max)
		if !errors.Is(err, errs.TooLarge) {
			t.Fatalf("Put of %d bytes with max %d = %v, want TooLarge", 3*partSize, max, err)
		}
		if got := held(); len(got) != 0 {
			t.Errorf("store holds %v after a refused multipart put", got)
		}
	}},
	{"a failed read stores nothing", func(t *testing.T, s blobs.Store, held func() []string) {
		for _, n := range []int64{10, 2*partSize + 1} {
			_, err := s.Put(t.Context(), &failingReader{stream(3, n)}, 1<<30)
			if !errors.Is(err, errs.Invalid) || !strings.Contains(err.Error(), "connection reset") {
				t.Errorf("Put from a reader failing after %d bytes = %v, want Invalid naming the cause", n, err)
			}
		}
		if got := held(); len(got) != 0 {
			t.Errorf("store holds %v after failed reads", got)
		}
	}},
	{"a cancelled upload stores nothing", func(t *testing.T, s blobs.Store, held func() []string) {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if _, err := s.Put(ctx, strings.NewReader("abc"), 100); !errors.Is(err, context.Canceled) {
			t.Errorf("Put with a cancelled context = %v", err)
		}
		if got := held(); len(got) != 0 {
			t.Errorf("store holds %v after a cancelled put", got)
		}
	}},
	{"concurrent puts of the same content", func(t *testing.T, s blobs.Store, held func() []string) {
		const n = partSize + 1000
		want := streamDigest(t, 4, n)
		var wg sync.WaitGroup
		got := make([]blobs.Blob, 6)
		errs := make([]error, len(got))
		for i := range got {
			wg.Go(func() { got[i], errs[i] = s.Put(t.Context(), stream(4, n), n) })
		}
		wg.Wait()
		for i := range got {
			if errs[i] != nil || got[i].Digest != want || got[i].Size != n {
				t.Errorf("Put %d = %+v, %v", i, got[i], errs[i])
			}
		}
		if h := held(); !stored(h, want) {
			t.Errorf("store holds %v after concurrent puts of one content, want one blob", h)
		}
		if d, _ := readBack(t, s, want); d != want {
			t.Errorf("read back %s", d)
		}
	}},
	{"missing and malformed digests", func(t *testing.T, s blobs.Store, held func() []string) {
		missing := strings.Repeat("0", 64)
		if _, _, err := s.Open(t.Context(), missing); !errors.Is(err, errs.NotFound) {
			t.Errorf("Open of a missing blob = %v", err)
		}
		if ok, err := s.Exists(t.Context(), missing); ok || err != nil {
			t.Errorf("Exists of a missing blob = %v, %v", ok, err)
		}
		for _, d := range []string{"", "../../etc/passwd", strings.Repeat("A", 64), missing[:63]} {
			if _, _, err := s.Open(t.Context(), d); !errors.Is(err, errs.Invalid) {
				t.Errorf("Open(%q) = %v, want Invalid", d, err)
			}
			if _, err := s.Exists(t.Context(), d); !errors.Is(err, errs.Invalid) {
				t.Errorf("Exists(%q) = %v, want Invalid", d, err)
			}
		}
	}},
}

// TestStores runs the Store contract against the local directory store
// and the S3 store, the latter on a real S3-compatible server (moto)
// started here.
func TestStores(t *testing.T) {
	motoserver.Credentials(t)
	srv := motoserver.Start(t)
	for _, b := range []backend{localBackend(), s3Backend(srv)} {
		t.Run(b.name, func(t *testing.T) {
			for _, c := range storeCases {
				t.Run(c.name, func(t *testing.T) {
					s, held := b.open(t)
					c.run(t, s, held)
				})
			}
		})
	}
	t.Run("s3 multipart copy into place", func(t *testing.T) {
		s := newS3(t, srv, srv.CreateBucket(t, motoserver.BucketName(t)))
		blobs.SetCopyLimits(s, partSize, partSize)
		const n = 2*partSize + 777
		want := streamDigest(t, 5, n)
		b, err := s.Put(t.Context(), stream(5, n), n)
		if err != nil || b.Digest != want {
			t.Fatalf("Put = %+v, %v", b, err)
		}
		if d, size := readBack(t, s, want); d != want || size != n {
			t.Errorf("read back %s, %d bytes", d, size)
		}
		if got, _ := blobs.Leftovers(t.Context(), s); !stored(got, want) {
			t.Errorf("bucket holds %v", got)
		}
	})
	t.Run("s3 start-up checks", func(t *testing.T) {
		bucket := srv.CreateBucket(t, motoserver.BucketName(t))
		for _, c := range []struct {
			name string
			cfg  blobs.S3Config
			env  map[string]string
			want string
		}{
			{"missing bucket", blobs.S3Config{Root: "s3://no-such-bucket-here/x", Endpoint: srv.Endpoint, PathStyle: true}, nil,
				`"no-such-bucket-here" does not exist`},
			{"no credentials", blobs.S3Config{Root: "s3://" + bucket, Endpoint: srv.Endpoint, PathStyle: true},
				map[string]string{"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""}, "no credentials for S3: set AWS_ACCESS_KEY_ID"},
			{"no region for AWS", blobs.S3Config{Root: "s3://" + bucket}, map[string]string{"AWS_REGION": ""}, "EXPHUB_S3_REGION"},
			{"bad endpoint", blobs.S3Config{Root: "s3://" + bucket, Endpoint: "minio:9000"}, nil, `"minio:9000" is not an http://`},
			{"small parts", blobs.S3Config{Root: "s3://" + bucket, Endpoint: srv.Endpoint, PartSize: 1 << 20}, nil, "under S3's minimum"},
			{"not s3", blobs.S3Config{Root: "/var/lib/artifacts"}, nil, "not an s3:// URL"},
		} {
			t.Run(c.name, func(t *testing.T) {
				for k, v := range c.env {
					t.Setenv(k, v)
				}
				_, err := blobs.NewS3(t.Context(), c.cfg)
				if err == nil || !strings.Contains(err.Error(), c.want) {
					t.Fatalf("NewS3 = %v, want an error containing %q", err, c.want)
				}
			})
		}
	})
}

func TestParseS3URL(t *testing.T) {
	for _, c := range []struct{ in, bucket, prefix, err string }{
		{"s3://artifacts", "artifacts", "", ""},
		{"s3://artifacts/", "artifacts", "", ""},
		{"s3://my.bucket-1/hub/prod/", "my.bucket-1", "hub/prod/", ""},
		{"s3://my-bucket/a_b/c.d", "my-bucket", "a_b/c.d/", ""},
		{"s3://", "", "", "not an S3 bucket name"},
		{"s3://Upper/x", "", "", `bucket "Upper"`},
		{"s3://ab/x", "", "", `bucket "ab"`},
		{"s3://a..b/x", "", "", `bucket "a..b"`},
		{"s3://bucket//x", "", "", `segment ""`},
		{"s3://bucket/a/../b", "", "", `segment ".."`},
		{"s3://bucket/a b", "", "", `segment "a b"`},
		{"s3://bucket/x?y=1", "", "", `segment "x?y=1"`},
		{"gs://bucket/x", "", "", "not an s3:// URL"},
	} {
		bucket, prefix, err := blobs.ParseS3URL(c.in)
		switch {
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("ParseS3URL(%q) = %v, want an error containing %q", c.in, err, c.err)
		case c.err == "" && (err != nil || bucket != c.bucket || prefix != c.prefix):
			t.Errorf("ParseS3URL(%q) = %q, %q, %v; want %q, %q", c.in, bucket, prefix, err, c.bucket, c.prefix)
		}
	}
}
