package quality

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"math/rand/v2"
	"testing"
	"testing/iotest"
)

// TestHashingReader: the bytes come through unchanged and, once the rest
// is drained as opened.digest does, the digest is the sha256 of the whole
// source, whatever the sizes of the reads below and above it; an error
// from below comes after the bytes before it.
func TestHashingReader(t *testing.T) {
	data := make([]byte, 3*hashBlockSize+12345)
	r := rand.New(rand.NewPCG(1, 1))
	for i := range data {
		data[i] = byte(r.Uint32())
	}
	for _, tc := range []struct {
		name string
		src  func() io.Reader
		read func(io.Reader) ([]byte, error)
	}{
		{"whole", func() io.Reader { return bytes.NewReader(data) }, io.ReadAll},
		{"one byte below", func() io.Reader { return iotest.OneByteReader(bytes.NewReader(data[:5000])) }, io.ReadAll},
		{"half reads below", func() io.Reader { return iotest.HalfReader(bytes.NewReader(data)) }, io.ReadAll},
		{"data with EOF", func() io.Reader { return iotest.DataErrReader(bytes.NewReader(data)) }, io.ReadAll},
		{"small reads above", func() io.Reader { return bytes.NewReader(data) }, func(r io.Reader) ([]byte, error) {
			return io.ReadAll(iotest.OneByteReader(io.LimitReader(r, 70000)))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := sha256.New()
			hr := newHashingReader(tc.src(), h, -1)
			got, err := tc.read(hr)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, data[:len(got)]) {
				t.Fatalf("read %d bytes that differ from the source's", len(got))
			}
			rest, err := io.ReadAll(hr)
			if err != nil {
				t.Fatal(err)
			}
			hr.finish()
			all := append(got, rest...)
			if sum := sha256.Sum256(all); !bytes.Equal(h.Sum(nil), sum[:]) {
				t.Errorf("digest of the %d bytes read is not their sha256", len(all))
			}
			if n, err := hr.Read(make([]byte, 10)); n != 0 || err != io.EOF {
				t.Errorf("read after finish: %d, %v; want 0, EOF", n, err)
			}
		})
	}
	t.Run("size hint smaller than the source", func(t *testing.T) {
		h := sha256.New()
		hr := newHashingReader(bytes.NewReader(data[:100_000]), h, 700) // the file grew after it was opened
		got, err := io.ReadAll(hr)
		if err != nil || !bytes.Equal(got, data[:100_000]) {
			t.Fatalf("read %d bytes (%v) that differ from the source's", len(got), err)
		}
		hr.finish()
		if sum := sha256.Sum256(got); !bytes.Equal(h.Sum(nil), sum[:]) {
			t.Errorf("digest is not the sha256 of the bytes read")
		}
	})
	t.Run("error below", func(t *testing.T) {
		boom := errors.New("boom")
		h := sha256.New()
		hr := newHashingReader(io.MultiReader(bytes.NewReader(data[:1000]), iotest.ErrReader(boom)), h, 1000)
		got, err := io.ReadAll(hr)
		if !errors.Is(err, boom) || len(got) != 1000 {
			t.Fatalf("got %d bytes and %v; want 1000 bytes, then boom", len(got), err)
		}
		hr.finish()
		hr.finish() // twice is fine
		if sum := sha256.Sum256(data[:1000]); !bytes.Equal(h.Sum(nil), sum[:]) {
			t.Errorf("digest is not the sha256 of the bytes read")
		}
	})
}
