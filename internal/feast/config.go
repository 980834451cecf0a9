package feast

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/goccy/go-yaml"

	"github.com/exphub/exphub/internal/errs"
)

// ConfigFile is the file that makes a directory a Feast repository.
const ConfigFile = "feature_store.yaml"

// DefaultRegistry is where Feast keeps the registry when
// feature_store.yaml does not say, relative to the repository.
const DefaultRegistry = "data/registry.db"

// maxConfigBytes bounds feature_store.yaml; real ones are a few hundred
// bytes.
const maxConfigBytes = 1 << 20

// RepoConfig is what this package reads of a feature_store.yaml.
type RepoConfig struct {
	// Project is the Feast project: the registry's objects that are read
	// are this project's.
	Project string
	// Provider is the yaml's provider ("local" when it does not say).
	Provider string
	// Registry is the registry file's path: absolute, or relative to the
	// working directory when the repository's was.
	Registry string
	// OpenLineageNamespace is the yaml's openlineage.namespace, "" when
	// it has none.
	OpenLineageNamespace string
}

// Namespace is the OpenLineage namespace Feast's own emitter reports the
// project's jobs and datasets in: the project name when the configured
// namespace is empty or Feast's default "feast"; the configured one when
// it is the project or already ends with "/project"; else
// "configured/project" (feast.openlineage.identity.resolve_namespace).
func (c *RepoConfig) Namespace() string {
	configured := strings.TrimSpace(c.OpenLineageNamespace)
	switch {
	case configured == "" || configured == "feast":
		return c.Project
	case configured == c.Project || strings.HasSuffix(configured, "/"+c.Project):
		return configured
	}
	return configured + "/" + c.Project
}

// ReadRepoConfig reads dir/feature_store.yaml. As Feast does, it first
// expands $NAME and ${NAME} with getenv (a variable getenv returns "" for
// is left as written, as Python's os.path.expandvars leaves an unset one).
// Only the file registry can be read: a registry_type other than "file",
// or a registry path that is a URL other than file://, is refused with
// an Invalid error naming it.
func ReadRepoConfig(dir string, getenv func(string) string) (*RepoConfig, error) {
	path := filepath.Join(dir, ConfigFile)
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errs.Invalidf("%s: no %s: not a Feast repository", dir, ConfigFile)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(raw) > maxConfigBytes {
		return nil, fmt.Errorf("%s: %w: %d bytes", path, errs.TooLarge, len(raw))
	}
	var doc struct {
		Project     string `yaml:"project"`
		Provider    string `yaml:"provider"`
		Registry    any    `yaml:"registry"`
		OpenLineage *struct {
			Namespace string `yaml:"namespace"`
		} `yaml:"openlineage"`
	}
	if err := yaml.Unmarshal([]byte(expandVars(string(raw), getenv)), &doc); err != nil {
		return nil, errs.Invalidf("%s: not YAML: %s", path, errs.Quote(firstLine(err.Error())))
	}
	c := &RepoConfig{Project: strings.TrimSpace(doc.Project), Provider: doc.Provider}
	if c.Project == "" {
		return nil, errs.Invalidf("%s: project: required", path)
	}
	if c.Provider == "" {
		c.Provider = "local"
	}
	if doc.OpenLineage != nil {
		c.OpenLineageNamespace = doc.OpenLineage.Namespace
	}
	reg := DefaultRegistry
	switch r := doc.Registry.(type) {
	case nil:
	case string:
		reg = r
	case map[string]any:
		if t, ok := r["registry_type"]; ok {
			ts, _ := t.(string)
			if ts != "file" {
				return nil, errs.Invalidf("%s: registry.registry_type is %s: only the file registry can be read without Feast",
					path, errs.Quote(fmt.Sprint(t)))
			}
		}
		p, ok := r["path"].(string)
		if !ok || p == "" {
			return nil, errs.Invalidf("%s: registry.path: required, the registry file's path", path)
		}
		reg = p
	default:
		return nil, errs.Invalidf("%s: registry: a path or a mapping with path, got %T", path, r)
	}
	if rest, ok := strings.CutPrefix(reg, "file://"); ok {
		reg = rest
	} else if i := strings.Index(reg, "://"); i > 0 {
		// Not the whole URL: a database URL may hold a password.
		return nil, errs.Invalidf("%s: registry is a %s:// URL: only a local registry file can be read without Feast",
			path, errs.Clip(reg[:i]))
	}
	if !filepath.IsAbs(reg) {
		reg = filepath.Join(dir, reg)
	}
	c.Registry = reg
	return c, nil
}

var varRef = regexp.MustCompile(`\$(\w+|\{[^}]*\})`)

// expandVars is Python's os.path.expandvars over getenv: $NAME and
// ${NAME} become the variable's value, and stay as written when it is
// unset (here: empty).
func expandVars(s string, getenv func(string) string) string {
	if getenv == nil {
		return s
	}
	return varRef.ReplaceAllStringFunc(s, func(ref string) string {
		name := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(ref, "$"), "{"), "}")
		if v := getenv(name); v != "" {
			return v
		}
		return ref
	})
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}
