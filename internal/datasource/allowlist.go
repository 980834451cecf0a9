// Package datasource opens the data a validation reads when it is not a
// local file: http(s) URLs, S3, Google Cloud Storage and Azure Blob Storage
// objects, each checked against the
// operator's allowlist before anything is fetched. Without it, anyone who
// may register a dataset version could make the hub fetch an address of
// its own network (a cloud metadata service, an admin port) and read parts
// of the answer back from the run's result.
package datasource

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/exphub/exphub/internal/errs"
)

// Any is the allowlist entry that admits every remote source (development
// mode's default).
const Any = "*"

// Allowlist is the remote sources a server may read: URL prefixes of the
// form scheme://host[:port]/path, s3://bucket/prefix, gs://bucket/prefix or
// az://container/prefix. A URL is admitted
// when its scheme, host (or bucket) and port are an entry's and its path
// starts with the entry's path, segment by segment: https://h/lake admits
// https://h/lake/x.csv but not https://h/lakehouse.csv.
type Allowlist struct {
	any     bool
	entries []location
	// refusal is the reason a refused URI is given (%s: scheme, host);
	// the validation sources' by default.
	refusal string
}

// defaultRefusal is what a refused validation source is told.
const defaultRefusal = "the hub reads no data from %s://%s/ there (EXPHUB_VALIDATION_SOURCES lists what it may read)"

// Refusing returns the list with another reason for what it refuses, a
// format of the URI's scheme and host (another setting's list, another
// use).
func (a *Allowlist) Refusing(format string) *Allowlist {
	if a == nil {
		return &Allowlist{refusal: format}
	}
	c := *a
	c.refusal = format
	return &c
}

// location is a URL reduced to what the allowlist compares.
type location struct {
	scheme, host string
	segments     []string
}

func (l location) String() string {
	return l.scheme + "://" + l.host + "/" + strings.Join(l.segments, "/")
}

// ParseAllowlist reads the entries; an empty list admits nothing.
func ParseAllowlist(entries []string) (*Allowlist, error) {
	a := &Allowlist{}
	for _, e := range entries {
		e = strings.TrimSpace(e)
		if e == Any {
			a.any = true
			continue
		}
		loc, err := parse(e)
		if err != nil {
			return nil, fmt.Errorf("allowlist entry %s: %w", errs.Quote(e), err)
		}
		if strings.ContainsAny(e, "?#") {
			return nil, fmt.Errorf("allowlist entry %s: a prefix has no query or fragment", errs.Quote(e))
		}
		a.entries = append(a.entries, loc)
	}
	return a, nil
}

// Everything is the list that admits every remote source ("*"): hubctl's,
// which reads what its user can, and development mode's.
func Everything() *Allowlist { return &Allowlist{any: true} }

// Empty reports whether the list admits nothing.
func (a *Allowlist) Empty() bool { return a == nil || !a.any && len(a.entries) == 0 }

// Schemes reports whether any entry names scheme (true for every scheme
// when the list admits any source).
func (a *Allowlist) Schemes(scheme string) bool {
	if a == nil {
		return false
	}
	if a.any {
		return true
	}
	for _, e := range a.entries {
		if e.scheme == scheme {
			return true
		}
	}
	return false
}

// Check returns nil when the list admits uri, else an error that names it
// and the setting. A URI the hub cannot read at all (another scheme,
// credentials in it, dot segments) is refused whatever the list says.
func (a *Allowlist) Check(uri string) error {
	_, err := a.admit(uri)
	return err
}

// admit is Check that also returns the location it read.
func (a *Allowlist) admit(uri string) (location, error) {
	loc, err := parse(uri)
	if err != nil {
		return location{}, fmt.Errorf("%s: %w", errs.Quote(uri), err)
	}
	if a != nil && a.any {
		return loc, nil
	}
	if a != nil {
		for _, e := range a.entries {
			if e.admits(loc) {
				return loc, nil
			}
		}
	}
	refusal := defaultRefusal
	if a != nil && a.refusal != "" {
		refusal = a.refusal
	}
	return location{}, fmt.Errorf("%s: "+refusal, errs.Quote(uri), loc.scheme, loc.host)
}

func (e location) admits(l location) bool {
	if e.scheme != l.scheme || e.host != l.host || len(l.segments) < len(e.segments) {
		return false
	}
	for i, s := range e.segments {
		if l.segments[i] != s {
			return false
		}
	}
	return true
}

// parse reduces a URL to its location: scheme and host lowercased, the
// default port made explicit, the path decoded and split. It refuses what
// would let a URL mean two places: credentials, encoded slashes, dot
// segments, an opaque or host-less form.
func parse(raw string) (location, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return location{}, fmt.Errorf("not a URL: %v", errs.Clip(err.Error()))
	}
	scheme := strings.ToLower(u.Scheme)
	var defaultPort string
	switch scheme {
	case "http":
		defaultPort = "80"
	case "https":
		defaultPort = "443"
	case "s3", "gs", "az":
	default:
		return location{}, fmt.Errorf("the hub reads http://, https://, s3://, gs:// and az:// sources only, not %s", errs.Quote(u.Scheme+"://"))
	}
	if u.Opaque != "" || u.Host == "" {
		return location{}, fmt.Errorf("a %s:// URL names a host (or bucket) after the //", scheme)
	}
	if u.User != nil {
		return location{}, fmt.Errorf("a source URL carries no credentials (give them to the hub's environment instead)")
	}
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	switch {
	case defaultPort == "" && port != "":
		return location{}, fmt.Errorf("an %s:// URL names a bucket, not a host and port", scheme)
	case defaultPort != "" && port == "":
		port = defaultPort
	}
	if port != "" {
		host += ":" + port
	}
	if strings.Contains(strings.ToLower(u.EscapedPath()), "%2f") {
		return location{}, fmt.Errorf("a source path has no encoded slashes (%%2F)")
	}
	var segments []string
	parts := strings.Split(strings.TrimPrefix(u.Path, "/"), "/")
	for i, s := range parts {
		switch {
		case s == "." || s == "..":
			return location{}, fmt.Errorf("a source path has no '.' or '..' segments")
		case s == "" && i < len(parts)-1:
			return location{}, fmt.Errorf("a source path has no empty segments ('//')")
		case s != "":
			segments = append(segments, s)
		}
	}
	return location{scheme: scheme, host: host, segments: segments}, nil
}
