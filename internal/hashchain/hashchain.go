// Package hashchain defines how an event of the hub's log is hashed, so the
// server that appends events and an offline verifier of an evidence pack
// compute the same hash from the same content.
//
// It is a kernel package: it must not import anything of the hub's, so an
// offline verifier and the store link the same few lines.
package hashchain

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Genesis is the previous hash of the first event.
const Genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// Content is what an event's hash covers, in a fixed field order;
// encoding/json writes map keys sorted, so the encoding is canonical.
type Content struct {
	Seq        int64          `json:"seq"`
	At         string         `json:"at"`
	Actor      string         `json:"actor"`
	ProjectKey string         `json:"projectKey"`
	Kind       string         `json:"kind"`
	TargetID   string         `json:"targetId"`
	Payload    map[string]any `json:"payload"`
	PrevHash   string         `json:"prevHash"`
}

// FormatTime is how an event's time enters its hash: RFC 3339 with
// nanoseconds, in UTC.
func FormatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// Hash returns the hex SHA-256 of the canonical JSON of c. A nil payload
// hashes as an empty object.
func (c Content) Hash() (string, error) {
	if c.Payload == nil {
		c.Payload = map[string]any{}
	}
	b, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// A payload may refer to objects of other projects than its event's. The
// log commits to such a reference through a salted digest, as SD-JWT
// discloses claims: the hashed payload holds Marker(digest) where the
// reference is, and a Disclosure carries the salt to readers who may see
// the object. A reader who may not sees the marker, which is exactly what
// the hash covers; a reader who may sees the value and recomputes the
// marker from it. Both verify the same hash, and the digest reveals
// nothing about the value without its salt.

// RedactedKey is the key of a marker object.
const RedactedKey = "redacted"

// Disclosure opens one marker of a payload: the value at Path (a JSON
// pointer, RFC 6901, into the payload) is committed to by Digest(Salt,
// value).
type Disclosure struct {
	Path string `json:"path"`
	Salt string `json:"salt"`
}

// Digest is the hex SHA-256 of the JSON array [salt, value].
func Digest(salt, value string) string {
	b, _ := json.Marshal([2]string{salt, value})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Marker is what the hashed payload holds in place of a sealed value.
func Marker(digest string) map[string]any { return map[string]any{RedactedKey: digest} }

// Seal returns a copy of payload, as a reader received it, with the value
// at each disclosure's path replaced by its marker: the payload the hash
// covers. A disclosure whose path holds no string is an error.
func Seal(payload map[string]any, ds []Disclosure) (map[string]any, error) {
	if len(ds) == 0 {
		return payload, nil
	}
	out := deepCopy(payload).(map[string]any)
	for _, d := range ds {
		v, err := Get(out, d.Path)
		if err != nil {
			return nil, err
		}
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("disclosure %s: the payload holds %T there, not a string", d.Path, v)
		}
		if err := Set(out, d.Path, Marker(Digest(d.Salt, s))); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Get returns the value at a JSON pointer into v.
func Get(v any, pointer string) (any, error) {
	toks, err := splitPointer(pointer)
	if err != nil {
		return nil, err
	}
	for _, t := range toks {
		switch c := v.(type) {
		case map[string]any:
			next, ok := c[t]
			if !ok {
				return nil, fmt.Errorf("pointer %s: no key %q", pointer, t)
			}
			v = next
		case []any:
			i, err := strconv.Atoi(t)
			if err != nil || i < 0 || i >= len(c) {
				return nil, fmt.Errorf("pointer %s: no element %q", pointer, t)
			}
			v = c[i]
		default:
			return nil, fmt.Errorf("pointer %s: %q is inside a %T", pointer, t, v)
		}
	}
	return v, nil
}

// Set replaces the value at a JSON pointer into v, which must exist.
func Set(v any, pointer string, value any) error {
	toks, err := splitPointer(pointer)
	if err != nil {
		return err
	}
	if len(toks) == 0 {
		return fmt.Errorf("pointer %q: cannot replace the whole payload", pointer)
	}
	parent, err := Get(v, joinPointer(toks[:len(toks)-1]))
	if err != nil {
		return err
	}
	last := toks[len(toks)-1]
	switch c := parent.(type) {
	case map[string]any:
		if _, ok := c[last]; !ok {
			return fmt.Errorf("pointer %s: no key %q", pointer, last)
		}
		c[last] = value
	case []any:
		i, err := strconv.Atoi(last)
		if err != nil || i < 0 || i >= len(c) {
			return fmt.Errorf("pointer %s: no element %q", pointer, last)
		}
		c[i] = value
	default:
		return fmt.Errorf("pointer %s: %q is inside a %T", pointer, last, parent)
	}
	return nil
}

// Pointer returns the JSON pointer of a path of keys and indexes.
func Pointer(path ...any) string {
	toks := make([]string, len(path))
	for i, p := range path {
		toks[i] = fmt.Sprint(p)
	}
	return joinPointer(toks)
}

var (
	pointerEscape   = strings.NewReplacer("~", "~0", "/", "~1")
	pointerUnescape = strings.NewReplacer("~1", "/", "~0", "~")
)

func joinPointer(toks []string) string {
	var b strings.Builder
	for _, t := range toks {
		b.WriteByte('/')
		b.WriteString(pointerEscape.Replace(t))
	}
	return b.String()
}

func splitPointer(p string) ([]string, error) {
	if p == "" {
		return nil, nil
	}
	if !strings.HasPrefix(p, "/") {
		return nil, fmt.Errorf("pointer %q does not start with /", p)
	}
	toks := strings.Split(p[1:], "/")
	for i, t := range toks {
		toks[i] = pointerUnescape.Replace(t)
	}
	return toks, nil
}

// deepCopy copies the maps and lists of a decoded JSON value.
func deepCopy(v any) any {
	switch c := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(c))
		for k, x := range c {
			out[k] = deepCopy(x)
		}
		return out
	case []any:
		out := make([]any, len(c))
		for i, x := range c {
			out[i] = deepCopy(x)
		}
		return out
	case []string:
		out := make([]any, len(c))
		for i, x := range c {
			out[i] = x
		}
		return out
	}
	return v
}

// Copy returns a deep copy of a payload (lists of strings become lists of
// values, as JSON decodes them).
func Copy(payload map[string]any) map[string]any {
	if payload == nil {
		return nil
	}
	return deepCopy(payload).(map[string]any)
}
