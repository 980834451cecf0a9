package feast

// Repo is a Feast repository as read from disk: its configuration and
// its project's registry objects.
type Repo struct {
	Config   *RepoConfig
	Registry *Registry
}

// Load reads the repository in dir: feature_store.yaml (with getenv for
// the variables it names, as ReadRepoConfig says), then the registry file
// it names, keeping the yaml's project. Nothing is half-read: an error
// means no Repo.
func Load(dir string, getenv func(string) string) (*Repo, error) {
	c, err := ReadRepoConfig(dir, getenv)
	if err != nil {
		return nil, err
	}
	reg, err := ReadRegistry(c.Registry, c.Project)
	if err != nil {
		return nil, err
	}
	return &Repo{Config: c, Registry: reg}, nil
}

// EntityNames are the names of the project's entities but Feast's placeholder for views
// without one, which lineage leaves out.
func (r *Registry) EntityNames() []string {
	var out []string
	for _, e := range r.Entities {
		if e.Name != DummyEntity {
			out = append(out, e.Name)
		}
	}
	return out
}

// DataSourceNames are the names of the project's data sources: those
// registered on their own and those its feature views read, once each,
// in order of first appearance.
func (r *Registry) DataSourceNames() []string {
	seen := map[string]bool{}
	var out []string
	add := func(d *DataSource) {
		if d != nil && !seen[d.Name] {
			seen[d.Name] = true
			out = append(out, d.Name)
		}
	}
	for i := range r.DataSources {
		add(&r.DataSources[i])
	}
	for _, v := range r.FeatureViews {
		add(v.BatchSource)
		add(v.StreamSource)
	}
	return out
}
