package catalog

import (
	"net/url"
	"strings"
)

// Identity names the dataset a URI points at the OpenLineage way: the
// namespace is the scheme and authority, the name the path
// (s3://bucket/data/train.csv is s3://bucket and data/train.csv); a local
// path, with or without file://, is namespace "file". One rule for every
// adapter (MLflow's dataset sources, Feast's data sources), so they find
// the same Dataset.
func Identity(uri string) (namespace, name string) {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme == "" || u.Scheme == "file" {
		p := uri
		if err == nil && u.Scheme == "file" {
			p = u.Path
		}
		return "file", p
	}
	if u.Host == "" {
		return u.Scheme + ":", strings.TrimPrefix(u.Opaque+u.Path, "/")
	}
	return u.Scheme + "://" + u.Host, strings.TrimPrefix(u.Path, "/")
}
