// Package blobs keeps the bytes of run artifacts, content-addressed: a blob
// is named by the hex SHA-256 of its content, so the same file logged twice
// is stored once, a stored blob never changes, and a digest read from the
// graph names exactly the bytes that were uploaded.
//
// It owns the bytes only. What a blob is (which run's or logged model's
// file, at which path) is recorded in Neo4j by internal/store; this package
// knows nothing of runs, projects or access. Store is the small interface a
// backend implements: Local (a directory) and S3 (an S3-compatible bucket,
// through the AWS SDK), with the same semantics and the same tests; Put
// streams, never holding a whole upload in memory. It must not import the
// hub's other packages beyond the kernel.
package blobs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"syscall"

	"github.com/exphub/exphub/internal/errs"
)

// Blob is a stored blob: the hex SHA-256 of its content and its size.
type Blob struct {
	Digest string
	Size   int64
}

// Store is content-addressed blob storage. Implementations are safe for
// concurrent use.
type Store interface {
	// Put stores what r yields, at most max bytes, and returns its digest
	// and size. More than max bytes is errs.TooLarge and stores nothing.
	// Storing a blob that exists already is a no-op.
	Put(ctx context.Context, r io.Reader, max int64) (Blob, error)
	// Open returns the content of the blob with digest, and its size;
	// errs.NotFound when there is none.
	Open(ctx context.Context, digest string) (io.ReadCloser, int64, error)
	// Exists reports whether a blob with digest is stored.
	Exists(ctx context.Context, digest string) (bool, error)
}

var digestRE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// CheckDigest reports whether digest is a hex SHA-256 (64 lowercase hex
// digits): errs.Invalid when it is not.
func CheckDigest(digest string) error {
	if !digestRE.MatchString(digest) {
		return errs.Invalidf("digest: %s is not a hex sha256", errs.Quote(digest))
	}
	return nil
}

// Local keeps blobs in a directory: root/sha256/<2 hex>/<64 hex>, written
// to root/tmp first and renamed into place once complete and synced, so a
// reader never sees a partial blob and a crashed upload leaves at most a
// temporary file.
type Local struct {
	root string
}

// NewLocal returns a Local store under root, creating the directory when
// missing.
func NewLocal(root string) (*Local, error) {
	if root == "" {
		return nil, errors.New("blobs: empty root")
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("blobs: root %q: %w", root, err)
	}
	for _, d := range []string{filepath.Join(abs, "sha256"), filepath.Join(abs, "tmp")} {
		if err := os.MkdirAll(d, 0o750); err != nil {
			return nil, fmt.Errorf("blobs: %w", err)
		}
	}
	return &Local{root: abs}, nil
}

// Root is the directory the store keeps its blobs under.
func (l *Local) Root() string { return l.root }

func (l *Local) path(digest string) string {
	return filepath.Join(l.root, "sha256", digest[:2], digest)
}

// Put implements Store.
func (l *Local) Put(ctx context.Context, r io.Reader, max int64) (b Blob, err error) {
	tmp, err := os.CreateTemp(filepath.Join(l.root, "tmp"), "put-*")
	if err != nil {
		return Blob{}, errs.Hide(errs.Unavailable, "artifact storage is not writable", err)
	}
	defer func() {
		if tmp != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	disk := &writeErr{w: tmp}
	n, err := io.Copy(io.MultiWriter(disk, h), io.LimitReader(ctxReader{ctx, r}, max+1))
	if err != nil {
		switch {
		case ctx.Err() != nil:
			return Blob{}, ctx.Err()
		case disk.err != nil:
			return Blob{}, storageErr(disk.err)
		}
		return Blob{}, errs.Invalidf("could not read the upload: %s", errs.Clip(err.Error()))
	}
	if n > max {
		return Blob{}, fmt.Errorf("%w: an artifact file may have at most %d bytes", errs.TooLarge, max)
	}
	if err := tmp.Sync(); err != nil {
		return Blob{}, storageErr(err)
	}
	if err := tmp.Close(); err != nil {
		return Blob{}, storageErr(err)
	}
	b = Blob{Digest: hex.EncodeToString(h.Sum(nil)), Size: n}
	dst := l.path(b.Digest)
	if _, err := os.Stat(dst); err == nil {
		return b, nil // stored already: content addressing makes it the same bytes
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return Blob{}, storageErr(err)
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return Blob{}, storageErr(err)
	}
	tmp = nil
	return b, nil
}

// writeErr remembers the error of the writer it wraps, so that a failed
// copy can tell the disk's failure from the upload's.
type writeErr struct {
	w   io.Writer
	err error
}

func (w *writeErr) Write(p []byte) (int, error) {
	n, err := w.w.Write(p)
	if err != nil && w.err == nil {
		w.err = err
	}
	return n, err
}

// storageErr is what the caller reads when the artifact storage fails:
// that it is full (ENOSPC, EDQUOT), or that it could not write; the
// cause, which names the server's paths, goes to the log only.
func storageErr(err error) error {
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return errs.Hide(errs.Unavailable, "the artifact storage is full: nothing of the upload was stored", err)
	}
	return errs.Hide(errs.Unavailable, "the artifact storage could not write: nothing of the upload was stored", err)
}

// Open implements Store.
func (l *Local) Open(_ context.Context, digest string) (io.ReadCloser, int64, error) {
	if err := CheckDigest(digest); err != nil {
		return nil, 0, err
	}
	f, err := os.Open(l.path(digest))
	if errors.Is(err, os.ErrNotExist) {
		return nil, 0, fmt.Errorf("blob %s: %w", digest, errs.NotFound)
	}
	if err != nil {
		return nil, 0, errs.Hide(errs.Unavailable, "artifact storage could not read", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, errs.Hide(errs.Unavailable, "artifact storage could not read", err)
	}
	return f, st.Size(), nil
}

// Exists implements Store.
func (l *Local) Exists(_ context.Context, digest string) (bool, error) {
	if err := CheckDigest(digest); err != nil {
		return false, err
	}
	_, err := os.Stat(l.path(digest))
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, os.ErrNotExist):
		return false, nil
	}
	return false, errs.Hide(errs.Unavailable, "artifact storage could not read", err)
}

// ctxReader stops a copy when ctx ends (a client that went away).
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
