package quality

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/exphub/exphub/internal/errs"
)

// Format is a data file format.
type Format string

// Formats.
const (
	FormatCSV     Format = "csv"
	FormatJSONL   Format = "jsonl"
	FormatParquet Format = "parquet"
)

// CSVOptions configure the CSV reader. The zero value means: a header row,
// comma-delimited, double-quote quoting, and only the empty field is null.
type CSVOptions struct {
	// Delimiter separates fields; one ASCII character. Zero means ','.
	Delimiter byte `json:"delimiter,omitempty"`
	// Quote encloses fields that contain the delimiter, the quote or a
	// newline; a doubled quote inside is one quote. Zero means '"';
	// NoQuote turns quoting off.
	Quote byte `json:"quote,omitempty"`
	// NoQuote reads every quote character as data.
	NoQuote bool `json:"no_quote,omitempty"`
	// NoHeader says the first row is data; columns are then named
	// column_1, column_2, ...
	NoHeader bool `json:"no_header,omitempty"`
	// NullValues are the field texts read as null, compared exactly.
	// Nil means only the empty field; list "" to keep it null when adding
	// others such as "NA".
	NullValues []string `json:"null_values,omitempty"`
}

// Source is a data file to validate.
type Source struct {
	// URI is a local path, a file:// URI or an http(s):// URL.
	URI string
	// Format is the file's format; empty means from the extension of the
	// path (.csv and .tsv, .jsonl and .ndjson, .parquet and .pq). A .tsv
	// file is tab-separated unless CSV.Delimiter says otherwise.
	Format Format
	// CSV configures the CSV reader.
	CSV CSVOptions
	// ExpectedSHA256 is the hex sha256 the file must have; empty skips the
	// check. A mismatch makes the run ERROR with CodeIntegrity.
	ExpectedSHA256 string
}

// Resolver finds the other files a suite refers to (the reference of
// referential_integrity and distribution_drift rules).
type Resolver interface {
	Resolve(ctx context.Context, ref string) (Source, error)
}

// ResolverFunc adapts a function to Resolver.
type ResolverFunc func(ctx context.Context, ref string) (Source, error)

// Resolve calls f.
func (f ResolverFunc) Resolve(ctx context.Context, ref string) (Source, error) { return f(ctx, ref) }

// DirResolver resolves references that are relative paths against dir and
// passes absolute paths and URIs through; the format comes from the
// extension and CSV files use the default options.
func DirResolver(dir string) Resolver {
	return ResolverFunc(func(_ context.Context, ref string) (Source, error) {
		if isURL(ref) || filepath.IsAbs(ref) || dir == "" {
			return Source{URI: ref}, nil
		}
		return Source{URI: filepath.Join(dir, ref)}, nil
	})
}

func isURL(s string) bool {
	return strings.HasPrefix(s, "file://") || IsRemote(s)
}

// formatOf returns the source's format, from the extension when unset.
func formatOf(src Source) (Format, error) {
	switch src.Format {
	case FormatCSV, FormatJSONL, FormatParquet:
		return src.Format, nil
	case "":
	default:
		return "", fmt.Errorf("unknown format %q (csv, jsonl or parquet)", src.Format)
	}
	p := src.URI
	if u, err := url.Parse(p); err == nil && u.Scheme != "" && len(u.Scheme) > 1 {
		p = u.Path
	}
	switch strings.ToLower(path.Ext(p)) {
	case ".csv", ".tsv":
		return FormatCSV, nil
	case ".jsonl", ".ndjson":
		return FormatJSONL, nil
	case ".parquet", ".pq":
		return FormatParquet, nil
	}
	return "", fmt.Errorf("cannot tell the format of %q from its extension; set the format", src.URI)
}

// csvOptions returns the source's CSV options; a .tsv file without an
// explicit delimiter is tab-separated.
func csvOptions(src Source) CSVOptions {
	o := src.CSV
	if o.Delimiter == 0 && strings.HasSuffix(strings.ToLower(src.URI), ".tsv") {
		o.Delimiter = '\t'
	}
	return o
}

// opened is an open data file: a sequential reader that hashes what it
// reads, and, for local files, random access for Parquet.
type opened struct {
	r      io.Reader // sequential; hashing
	raw    io.Reader // the same bytes, not hashed
	h      hash.Hash
	hr     *hashingReader // r when it hashes on its own goroutine
	file   *os.File       // local files only
	size   int64
	closer io.Closer
}

func (o *opened) Close() error {
	if o.hr != nil {
		o.hr.finish()
	}
	if o.closer != nil {
		return o.closer.Close()
	}
	return nil
}

// hashAside makes r hash on its own goroutine (see hashingReader), for a
// file parsed as it streams. Only before the first read.
func (o *opened) hashAside() {
	o.hr = newHashingReader(o.raw, o.h, o.size)
	o.r = o.hr
}

// digest finishes the hash: it reads what the parser left unread, so the
// digest covers the whole file, and returns it in hex.
func (o *opened) digest() (string, error) {
	if _, err := io.Copy(io.Discard, o.r); err != nil {
		return "", err
	}
	if o.hr != nil {
		o.hr.finish()
	}
	return hex.EncodeToString(o.h.Sum(nil)), nil
}

// hashingReader passes the bytes of r through and hashes them on another
// goroutine, so that on a parser's critical path the hash costs a copy
// instead of sha256 itself. Each block read is handed to the hasher and
// reused once both the reader and the hasher are done with it; the digest
// covers exactly the bytes read, as a TeeReader's does. Read is for one
// goroutine; finish ends the hasher (and further reads).
type hashingReader struct {
	r    io.Reader
	size int // of a block
	made int // blocks allocated so far, up to hashBlocks
	cur  *hashBlock
	off  int
	err  error // from r, returned once cur is drained
	work chan *hashBlock
	free chan *hashBlock
	done chan struct{}
	once sync.Once
}

type hashBlock struct {
	buf  []byte
	n    int
	refs atomic.Int32
}

const (
	hashBlocks    = 4
	hashBlockSize = 1 << 20
)

// newHashingReader starts the hasher of r. size is r's length when known
// (else -1): a small file gets one small block, not megabytes.
func newHashingReader(r io.Reader, h hash.Hash, size int64) *hashingReader {
	hr := &hashingReader{r: r, size: hashBlockSize, work: make(chan *hashBlock, hashBlocks), free: make(chan *hashBlock, hashBlocks), done: make(chan struct{})}
	if size >= 0 && size < hashBlockSize {
		hr.size = max(int(size)+1, 512) // +1: the read that finds the end
	}
	go func() {
		defer close(hr.done)
		for b := range hr.work {
			h.Write(b.buf[:b.n])
			hr.release(b)
		}
	}()
	return hr
}

// release drops one of a block's two users; the last returns it.
func (hr *hashingReader) release(b *hashBlock) {
	if b.refs.Add(-1) == 0 {
		hr.free <- b
	}
}

func (hr *hashingReader) Read(p []byte) (int, error) {
	if hr.cur == nil || hr.off == hr.cur.n {
		if hr.cur != nil {
			hr.release(hr.cur)
			hr.cur = nil
		}
		if hr.err != nil {
			return 0, hr.err
		}
		var b *hashBlock
		select {
		case b = <-hr.free:
		default:
			if hr.made < hashBlocks {
				hr.made++
				b = &hashBlock{buf: make([]byte, hr.size)}
			} else {
				b = <-hr.free
			}
		}
		n, err := hr.r.Read(b.buf)
		hr.err = err
		if n == 0 {
			hr.free <- b
			return 0, err
		}
		b.n = n
		b.refs.Store(2)
		hr.work <- b
		hr.cur, hr.off = b, 0
	}
	k := copy(p, hr.cur.buf[hr.off:hr.cur.n])
	hr.off += k
	return k, nil
}

// finish waits until every block read is hashed, and ends the hasher.
func (hr *hashingReader) finish() {
	hr.once.Do(func() {
		if hr.cur != nil {
			hr.release(hr.cur)
			hr.cur = nil
		}
		hr.err = io.EOF
		close(hr.work)
	})
	<-hr.done
}

// Remote opens a source that is not a local file: a URI with a scheme
// other than file://. It returns the bytes and their size (-1 when not
// known). Its errors name the URI.
type Remote interface {
	Open(ctx context.Context, uri string) (io.ReadCloser, int64, error)
}

// HTTP is the Remote that fetches http(s) URLs with Client (nil:
// http.DefaultClient) and opens nothing else.
type HTTP struct{ Client *http.Client }

// Open implements Remote.
func (h HTTP) Open(ctx context.Context, uri string) (io.ReadCloser, int64, error) {
	if !strings.HasPrefix(uri, "http://") && !strings.HasPrefix(uri, "https://") {
		scheme, _, _ := strings.Cut(uri, "://")
		return nil, 0, fmt.Errorf("open %s: this engine reads local files and http(s) URLs, not %s:// sources", errs.Quote(uri), errs.Clip(scheme))
	}
	client := h.Client
	if client == nil {
		client = http.DefaultClient
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, uri, nil)
	if err != nil {
		return nil, 0, fmt.Errorf("fetch %s: %w", uri, err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, 0, fmt.Errorf("fetch %s: %w", uri, err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, 0, fmt.Errorf("fetch %s: HTTP %s", uri, resp.Status)
	}
	return resp.Body, resp.ContentLength, nil
}

// IsRemote reports whether uri names a source a Remote opens: it has a
// scheme, and it is not file://.
func IsRemote(uri string) bool {
	scheme, _, ok := strings.Cut(uri, "://")
	return ok && scheme != "" && !strings.ContainsAny(scheme, "/\\") && scheme != "file"
}

// open opens a local path, file:// URI or, through remote, any other URI.
func open(ctx context.Context, remote Remote, uri string) (*opened, error) {
	h := sha256.New()
	if IsRemote(uri) {
		body, size, err := remote.Open(ctx, uri)
		if err != nil {
			return nil, err
		}
		return &opened{r: io.TeeReader(body, h), raw: body, h: h, size: size, closer: body}, nil
	}
	p := uri
	if strings.HasPrefix(uri, "file://") {
		u, err := url.Parse(uri)
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", uri, err)
		}
		if u.Host != "" && u.Host != "localhost" {
			return nil, fmt.Errorf("open %s: file URIs must name a local path (file:///path)", uri)
		}
		p = filepath.FromSlash(u.Path)
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", uri, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open %s: %w", uri, err)
	}
	if st.IsDir() {
		f.Close()
		return nil, fmt.Errorf("open %s: is a directory", uri)
	}
	return &opened{r: io.TeeReader(f, h), raw: f, h: h, file: f, size: st.Size(), closer: f}, nil
}

// spool copies a remote stream into a temporary file (hashing it on the
// way) so Parquet can read it with random access. The file is removed on
// Close.
func (o *opened) spool() error {
	if o.file != nil {
		return nil
	}
	tmp, err := os.CreateTemp("", "exphub-quality-*.parquet")
	if err != nil {
		return err
	}
	n, err := io.Copy(tmp, o.r)
	if err == nil {
		_, err = tmp.Seek(0, io.SeekStart)
	}
	if err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
			// Said without the path: the message reaches the run's record.
			return errs.Unavailablef("the validation scratch area is full: %d bytes of the file were copied before the disk ran out "+
				"(a Parquet file read over HTTP is copied to TMPDIR first); free space there or point TMPDIR at a larger disk", n)
		}
		return err
	}
	if o.closer != nil {
		o.closer.Close()
	}
	o.file, o.size = tmp, n
	o.closer = closerFunc(func() error {
		err := tmp.Close()
		os.Remove(tmp.Name())
		return err
	})
	// The hash already covers the whole file; further sequential reads
	// must not add to it.
	o.r = eofReader{}
	return nil
}

type closerFunc func() error

func (f closerFunc) Close() error { return f() }

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }
