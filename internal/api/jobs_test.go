package api_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

// pipelineHub is a hub with a project holding plPipeline, and a model
// version trained (through GraphQL's world: an experiment's run) on the
// report the pipeline wrote.
type pipelineHub struct {
	h    *hub
	p    *pipeline
	tok  string // a viewer of the project
	mv   string // trained on the report
	sha  string // a version registered through the hub, with a digest
	exp  *store.Experiment
	tRun string
}

func newPipelineHub(t *testing.T) *pipelineHub {
	t.Helper()
	h := newHub(t, nil)
	key, exp := newProjectWithExperiment(t, h.st, "pl")
	ph := &pipelineHub{h: h, exp: exp, tok: token(t, "viewer", map[string]auth.Role{key: auth.RoleViewer})}
	ph.p = plPipeline(t, h.st, key, strings.ReplaceAll(neo4jtest.Key(t, "m"), "-", ""))
	train := startRun(t, h.st, exp.ID, "train")
	ph.tRun = train.ID
	must(h.st.AddRunInputs(t.Context(), "alice", train.ID, []string{ph.p.reportV})).of(t)
	ph.mv = must(h.st.RegisterModelVersion(t.Context(), "alice", store.RegisterModelVersionInput{ProjectKey: key, ModelName: "m", RunID: train.ID,
		URI: "s3://m/1"})).of(t).ID
	ds := must(h.st.RegisterDataset(t.Context(), "alice", store.RegisterDatasetInput{ProjectKey: key, Namespace: "s3://b", Name: "hashed"})).of(t)
	ph.sha = registerVersion(t, h.st, ds, "v1", "s3://b/hashed/v1", sha("hashed")).ID
	return ph
}

// ask runs op as the project's viewer and decodes data into out.
func (ph *pipelineHub) ask(t *testing.T, op string, vars map[string]any, out any) {
	t.Helper()
	ph.h.gql(t, ph.tok, op, vars).ok(t, out)
}

type facetJSON struct{ Name, JSON string }

func facetNames(fs []facetJSON) []string {
	var out []string
	for _, f := range fs {
		if !json.Valid([]byte(f.JSON)) {
			out = append(out, "invalid:"+f.Name)
			continue
		}
		out = append(out, f.Name)
	}
	return out
}

func TestJobsOverGraphQL(t *testing.T) {
	ph := newPipelineHub(t)
	p := ph.p
	type jobRef struct{ ID, Name string }
	type job struct {
		ID, ProjectKey, Namespace, Name string
		Description                     *string
		SourceCode                      *struct{ Repo, Commit string }
		Runs                            struct {
			TotalCount int
			Edges      []struct{ Node struct{ ID, Status string } }
		}
		LatestRun       *struct{ ID string }
		Inputs, Outputs []jobRef
		Parent          *jobRef
		Children        []jobRef
		Facets          []facetJSON
		CreatedAt       string
		UpdatedAt       string
	}
	const jobFields = `id projectKey namespace name description sourceCode { repo commit } createdAt updatedAt
		runs(first: 10) { totalCount edges { node { id status } } } latestRun { id }
		inputs { id name } outputs { id name } parent { id name } children { id name } facets { name json }`

	t.Run("job by name", func(t *testing.T) {
		var out struct{ Job *job }
		ph.ask(t, `query($k: String!, $ns: String!, $n: String!) { job(projectKey: $k, namespace: $ns, name: $n) { `+jobFields+` } }`,
			map[string]any{"k": p.project, "ns": p.ns, "n": p.agg}, &out)
		j := out.Job
		if j == nil || j.ID != p.aggJob || j.ProjectKey != p.project || j.Namespace != p.ns || j.Name != p.agg {
			t.Fatalf("job %+v", j)
		}
		if j.Description == nil || *j.Description != "sums the orders of "+p.m {
			t.Errorf("description %v", j.Description)
		}
		if j.SourceCode == nil || j.SourceCode.Repo != "https://git.example/etl-"+p.m || j.SourceCode.Commit != "c0ffee"+p.m {
			t.Errorf("source code %+v", j.SourceCode)
		}
		if got := facetNames(j.Facets); !slices.Equal(got, []string{"documentation", "sourceCodeLocation", "sql"}) {
			t.Errorf("facets %v, want sorted by name", got)
		}
		if j.Runs.TotalCount != 1 || len(j.Runs.Edges) != 1 || j.Runs.Edges[0].Node.ID != p.aggRun || j.Runs.Edges[0].Node.Status != "FINISHED" {
			t.Errorf("runs %+v", j.Runs)
		}
		if j.LatestRun == nil || j.LatestRun.ID != p.aggRun {
			t.Errorf("latest run %+v", j.LatestRun)
		}
		if len(j.Inputs) != 1 || j.Inputs[0].ID != p.orders || len(j.Outputs) != 1 || j.Outputs[0].ID != p.aggDS {
			t.Errorf("inputs %+v outputs %+v", j.Inputs, j.Outputs)
		}
		if j.Parent == nil || j.Parent.ID != p.dagJob || len(j.Children) != 0 {
			t.Errorf("parent %+v children %+v", j.Parent, j.Children)
		}
		if j.CreatedAt == "" || j.UpdatedAt == "" {
			t.Errorf("times %q %q", j.CreatedAt, j.UpdatedAt)
		}
	})
	t.Run("the DAG's children, by node", func(t *testing.T) {
		var out struct{ Node *job }
		ph.ask(t, `query($id: ID!) { node(id: $id) { ... on Job { `+jobFields+` } } }`, map[string]any{"id": p.dagJob}, &out)
		j := out.Node
		if j == nil || j.Name != p.dag || j.Parent != nil || j.Description != nil || j.SourceCode != nil {
			t.Fatalf("dag %+v", j)
		}
		var kids []string
		for _, c := range j.Children {
			kids = append(kids, c.ID)
		}
		want := []string{p.aggJob, p.reportJob}
		slices.Sort(want)
		if !slices.Equal(kids, want) {
			t.Errorf("children %v, want %v", kids, want)
		}
		if j.LatestRun == nil || j.LatestRun.ID != p.dagRun || len(j.Inputs)+len(j.Outputs) != 0 {
			t.Errorf("latest run %+v inputs %+v outputs %+v", j.LatestRun, j.Inputs, j.Outputs)
		}
	})
	t.Run("jobs of a project, filtered and paged", func(t *testing.T) {
		var out struct {
			Jobs struct {
				TotalCount int
				PageInfo   struct {
					HasNextPage bool
					EndCursor   string
				}
				Edges []struct{ Node jobRef }
			}
		}
		ph.ask(t, `query($k: String!) { jobs(projectKey: $k) { totalCount edges { node { id name } } } }`, map[string]any{"k": p.project}, &out)
		if out.Jobs.TotalCount != 3 || len(out.Jobs.Edges) != 3 {
			t.Fatalf("jobs %+v", out.Jobs)
		}
		ph.ask(t, `query($k: String!) { jobs(projectKey: $k, nameContains: "REPORT") { totalCount edges { node { id name } } } }`,
			map[string]any{"k": p.project}, &out)
		if out.Jobs.TotalCount != 1 || out.Jobs.Edges[0].Node.ID != p.reportJob {
			t.Fatalf("filtered %+v", out.Jobs)
		}
		var seen []string
		after := any(nil)
		for range 3 {
			ph.ask(t, `query($k: String!, $a: String) { jobs(projectKey: $k, first: 2, after: $a) { totalCount pageInfo { hasNextPage endCursor }
				edges { node { id name } } } }`, map[string]any{"k": p.project, "a": after}, &out)
			for _, e := range out.Jobs.Edges {
				seen = append(seen, e.Node.ID)
			}
			if !out.Jobs.PageInfo.HasNextPage {
				break
			}
			after = out.Jobs.PageInfo.EndCursor
		}
		if len(seen) != 3 || !slices.Contains(seen, p.dagJob) || !slices.Contains(seen, p.aggJob) || !slices.Contains(seen, p.reportJob) {
			t.Errorf("pages gave %v", seen)
		}
	})
	t.Run("datasets list the jobs that read and write them, and their facets", func(t *testing.T) {
		var out struct {
			Node struct {
				Jobs   []jobRef
				Facets []facetJSON
			}
		}
		ph.ask(t, `query($id: ID!) { node(id: $id) { ... on Dataset { jobs { id name } facets { name json } } } }`, map[string]any{"id": p.aggDS}, &out)
		var ids []string
		for _, j := range out.Node.Jobs {
			ids = append(ids, j.ID)
		}
		want := []string{p.aggJob, p.reportJob}
		slices.Sort(want)
		if !slices.Equal(ids, want) {
			t.Errorf("jobs of the aggregate %v, want %v", ids, want)
		}
		if got := facetNames(out.Node.Facets); !slices.Equal(got, []string{"columnLineage", "schema"}) {
			t.Errorf("dataset facets %v", got)
		}
	})
	t.Run("a reader of another project sees no job", func(t *testing.T) {
		other := token(t, "other", map[string]auth.Role{"elsewhere": auth.RoleAdmin})
		res := ph.h.gql(t, other, `query($k: String!, $ns: String!, $n: String!, $id: ID!) {
			job(projectKey: $k, namespace: $ns, name: $n) { id } node(id: $id) { id } }`,
			map[string]any{"k": p.project, "ns": p.ns, "n": p.agg, "id": p.aggJob})
		if string(res.Data) != `{"job":null,"node":null}` || len(res.Errors) > 0 {
			t.Errorf("got %s", res.Raw)
		}
		ph.h.gql(t, other, `query($k: String!) { jobs(projectKey: $k) { totalCount } }`, map[string]any{"k": p.project}).fails(t, "FORBIDDEN")
	})
}

func TestPipelineRunsOverGraphQL(t *testing.T) {
	ph := newPipelineHub(t)
	p := ph.p
	type runRef struct{ ID string }
	type run struct {
		ID           string
		Status       string
		Experiment   *struct{ ID string }
		Job          *struct{ ID, Name string }
		ExternalID   *string
		ErrorMessage *string
		Parent       *runRef
		Children     []runRef
		Facets       []facetJSON
	}
	const fields = `id status experiment { id } job { id name } externalId errorMessage parent { id } children { id } facets { name json }`
	get := func(t *testing.T, id string) run {
		t.Helper()
		var out struct{ Node run }
		ph.ask(t, `query($id: ID!) { node(id: $id) { ... on Run { `+fields+` } } }`, map[string]any{"id": id}, &out)
		return out.Node
	}
	t.Run("a pipeline run has a job, no experiment", func(t *testing.T) {
		r := get(t, p.aggRun)
		if r.Experiment != nil || r.Job == nil || r.Job.ID != p.aggJob || r.ExternalID == nil || *r.ExternalID != p.aggExt || r.Status != "FINISHED" {
			t.Fatalf("run %+v", r)
		}
		if r.Parent == nil || r.Parent.ID != p.dagRun || len(r.Children) != 0 || r.ErrorMessage != nil {
			t.Errorf("parent %+v children %+v error %v", r.Parent, r.Children, r.ErrorMessage)
		}
		if got := facetNames(r.Facets); !slices.Equal(got, []string{"parent"}) {
			t.Errorf("facets %v", got)
		}
	})
	t.Run("a failed run says why", func(t *testing.T) {
		r := get(t, p.reportRun)
		if r.Status != "FAILED" || r.ErrorMessage == nil || *r.ErrorMessage != "division by zero in "+p.m {
			t.Errorf("run %+v", r)
		}
		if got := facetNames(r.Facets); !slices.Equal(got, []string{"errorMessage", "parent"}) {
			t.Errorf("facets %v", got)
		}
	})
	t.Run("the parent lists its children", func(t *testing.T) {
		r := get(t, p.dagRun)
		var kids []string
		for _, c := range r.Children {
			kids = append(kids, c.ID)
		}
		want := []string{p.aggRun, p.reportRun}
		slices.Sort(want)
		if r.Parent != nil || !slices.Equal(kids, want) || r.Status != "RUNNING" {
			t.Errorf("dag run %+v, children %v want %v", r, kids, want)
		}
	})
	t.Run("an experiment's run has an experiment and no job", func(t *testing.T) {
		r := get(t, ph.tRun)
		if r.Experiment == nil || r.Experiment.ID != ph.exp.ID || r.Job != nil || r.ExternalID != nil || r.Parent != nil ||
			len(r.Children) != 0 || len(r.Facets) != 0 {
			t.Errorf("run %+v", r)
		}
	})
}

func TestVersionIntegrityOverGraphQL(t *testing.T) {
	ph := newPipelineHub(t)
	p := ph.p
	type version struct {
		Digest     *string
		Integrity  string
		Source     *string
		Statistics *string
		Columns    []string
		Facets     []facetJSON
		RowCount   *int
	}
	get := func(t *testing.T, id string) version {
		t.Helper()
		var out struct{ Node version }
		ph.ask(t, `query($id: ID!) { node(id: $id) { ... on DatasetVersion { digest integrity source statistics columns facets { name json } rowCount } } }`,
			map[string]any{"id": id}, &out)
		return out.Node
	}
	t.Run("reported by OpenLineage: no digest", func(t *testing.T) {
		v := get(t, p.ordersV1)
		if v.Digest != nil || v.Integrity != "NONE" || v.Source == nil || *v.Source != "openlineage" {
			t.Errorf("orders %+v", v)
		}
		if !slices.Equal(v.Columns, []string{"amount", "id"}) {
			t.Errorf("columns %v", v.Columns)
		}
		if got := facetNames(v.Facets); !slices.Equal(got, []string{"schema", "version"}) {
			t.Errorf("facets %v", got)
		}
	})
	t.Run("an output with statistics", func(t *testing.T) {
		v := get(t, p.aggV)
		if v.Integrity != "NONE" || v.Statistics == nil || !json.Valid([]byte(*v.Statistics)) || !strings.Contains(*v.Statistics, `"rowCount":42`) {
			t.Errorf("aggregate %+v", v)
		}
		if v.RowCount == nil || *v.RowCount != 42 || !slices.Equal(v.Columns, []string{"id", "total"}) {
			t.Errorf("row count %v columns %v", v.RowCount, v.Columns)
		}
		if got := facetNames(v.Facets); !slices.Contains(got, "dataQualityMetrics") || !slices.Contains(got, "columnLineage") {
			t.Errorf("facets %v", got)
		}
	})
	t.Run("registered through the hub: sha256", func(t *testing.T) {
		v := get(t, ph.sha)
		if v.Digest == nil || *v.Digest != sha("hashed") || v.Integrity != "SHA256" || v.Source != nil || v.Statistics != nil ||
			len(v.Columns) != 0 || len(v.Facets) != 0 {
			t.Errorf("hashed %+v", v)
		}
	})
	t.Run("a run that read it is not reproducible", func(t *testing.T) {
		var out struct {
			Node struct{ Reproducibility struct{ Missing []string } }
		}
		ph.ask(t, `query($id: ID!) { node(id: $id) { ... on Run { reproducibility { missing } } } }`, map[string]any{"id": ph.tRun}, &out)
		if !slices.Contains(out.Node.Reproducibility.Missing, "input "+p.reportV+" digest") {
			t.Errorf("missing %v", out.Node.Reproducibility.Missing)
		}
	})
}

type colGraph struct {
	Root  string
	Nodes []struct {
		ID, Name       string
		Distance       int
		DatasetVersion struct{ ID string }
	}
	Edges []struct {
		From, To        string
		Transformations []struct {
			Type                 string
			Subtype, Description *string
			Masking              bool
		}
	}
	Truncated     bool
	ModelVersions []struct{ ID string }
}

const colFields = `root nodes { id name distance datasetVersion { id } }
	edges { from to transformations { type subtype description masking } } truncated modelVersions { id }`

func (g colGraph) brief() []string {
	var out []string
	for _, n := range g.Nodes {
		out = append(out, n.DatasetVersion.ID+"."+n.Name+"@"+string(rune('0'+n.Distance)))
	}
	return out
}

func TestColumnLineageOverGraphQL(t *testing.T) {
	ph := newPipelineHub(t)
	p := ph.p
	ask := func(t *testing.T, vars map[string]any) colGraph {
		t.Helper()
		var out struct{ ColumnLineage colGraph }
		ph.ask(t, `query($v: ID!, $c: String!, $d: LineageDirection, $depth: Int, $max: Int) {
			columnLineage(datasetVersionId: $v, column: $c, direction: $d, depth: $depth, maxNodes: $max) { `+colFields+` } }`, vars, &out)
		return out.ColumnLineage
	}
	t.Run("downstream: to the report, and the model trained on it", func(t *testing.T) {
		g := ask(t, map[string]any{"v": p.ordersV1, "c": "amount", "d": "DOWNSTREAM"})
		want := []string{p.ordersV1 + ".amount@0", p.aggV + ".total@1", p.reportV + ".total_eur@2"}
		if g.Root != p.ordersAmount || !slices.Equal(g.brief(), want) || g.Truncated {
			t.Fatalf("graph %v root %s truncated %v, want %v", g.brief(), g.Root, g.Truncated, want)
		}
		if len(g.Edges) != 2 {
			t.Fatalf("edges %+v", g.Edges)
		}
		for _, e := range g.Edges {
			tr := e.Transformations
			switch {
			case e.From == p.ordersAmount && e.To == p.aggTotal:
				if len(tr) != 1 || tr[0].Type != "DIRECT" || *tr[0].Subtype != "AGGREGATION" || *tr[0].Description != "sum" || tr[0].Masking {
					t.Errorf("sum %+v", tr)
				}
			case e.From == p.aggTotal && e.To == p.reportT:
				if len(tr) != 1 || !tr[0].Masking {
					t.Errorf("masked %+v", tr)
				}
			default:
				t.Errorf("edge %s → %s", e.From, e.To)
			}
		}
		if len(g.ModelVersions) != 1 || g.ModelVersions[0].ID != ph.mv {
			t.Errorf("model versions %+v, want %s", g.ModelVersions, ph.mv)
		}
	})
	t.Run("upstream from the report", func(t *testing.T) {
		g := ask(t, map[string]any{"v": p.reportV, "c": "total_eur", "d": "UPSTREAM"})
		want := []string{p.reportV + ".total_eur@0", p.aggV + ".total@1", p.ordersV1 + ".amount@2"}
		if !slices.Equal(g.brief(), want) || g.Truncated || len(g.Edges) != 2 {
			t.Errorf("graph %v edges %d, want %v", g.brief(), len(g.Edges), want)
		}
		// The root's own version was read to train the model.
		if len(g.ModelVersions) != 1 {
			t.Errorf("model versions %+v", g.ModelVersions)
		}
	})
	t.Run("both ways from the middle", func(t *testing.T) {
		g := ask(t, map[string]any{"v": p.aggV, "c": "total"})
		if len(g.Nodes) != 3 || g.Nodes[0].ID != p.aggTotal || g.Nodes[1].Distance != 1 || g.Nodes[2].Distance != 1 || g.Truncated {
			t.Errorf("graph %v", g.brief())
		}
	})
	t.Run("cut by depth", func(t *testing.T) {
		g := ask(t, map[string]any{"v": p.ordersV1, "c": "amount", "d": "DOWNSTREAM", "depth": 1})
		if !slices.Equal(g.brief(), []string{p.ordersV1 + ".amount@0", p.aggV + ".total@1"}) || !g.Truncated || len(g.Edges) != 1 {
			t.Errorf("graph %v truncated %v", g.brief(), g.Truncated)
		}
		// The report is beyond the depth: its model is not reached.
		if len(g.ModelVersions) != 0 {
			t.Errorf("model versions %+v", g.ModelVersions)
		}
	})
	t.Run("cut by maxNodes", func(t *testing.T) {
		g := ask(t, map[string]any{"v": p.aggV, "c": "total", "max": 2})
		if len(g.Nodes) != 2 || !g.Truncated || len(g.Edges) != 1 {
			t.Errorf("graph %v truncated %v edges %d", g.brief(), g.Truncated, len(g.Edges))
		}
	})
	t.Run("the root alone at depth 0", func(t *testing.T) {
		g := ask(t, map[string]any{"v": p.aggV, "c": "total", "depth": 0})
		if len(g.Nodes) != 1 || !g.Truncated || len(g.Edges) != 0 {
			t.Errorf("graph %v truncated %v", g.brief(), g.Truncated)
		}
	})
	t.Run("refusals", func(t *testing.T) {
		q := `query($v: ID!, $c: String!, $depth: Int, $max: Int) { columnLineage(datasetVersionId: $v, column: $c, depth: $depth, maxNodes: $max) { root } }`
		ph.h.gql(t, ph.tok, q, map[string]any{"v": p.ordersV1, "c": "nope"}).fails(t, "NOT_FOUND", "nope")
		ph.h.gql(t, ph.tok, q, map[string]any{"v": ph.sha, "c": "amount"}).fails(t, "NOT_FOUND")
		ph.h.gql(t, ph.tok, q, map[string]any{"v": p.aggRun, "c": "amount"}).fails(t, "BAD_USER_INPUT", "datasetVersionId")
		ph.h.gql(t, ph.tok, q, map[string]any{"v": p.ordersV1, "c": "amount", "depth": 51}).fails(t, "BAD_USER_INPUT", "depth")
		ph.h.gql(t, ph.tok, q, map[string]any{"v": p.ordersV1, "c": "amount", "max": 0}).fails(t, "BAD_USER_INPUT", "maxNodes")
		other := token(t, "other", map[string]auth.Role{"elsewhere": auth.RoleAdmin})
		res := ph.h.gql(t, other, q, map[string]any{"v": p.ordersV1, "c": "amount"})
		res.fails(t, "NOT_FOUND")
		if strings.Contains(string(res.Raw), p.ordersAmount) || strings.Contains(string(res.Raw), p.m) {
			t.Errorf("the refusal names the hidden column: %s", res.Raw)
		}
	})
}

func TestLineageWithJobs(t *testing.T) {
	ph := newPipelineHub(t)
	p := ph.p
	type graph struct {
		Nodes []struct {
			ID, Kind string
			Distance int
		}
		Edges []struct{ From, To, Kind string }
	}
	lineage := func(t *testing.T, vars map[string]any) graph {
		t.Helper()
		var out struct{ Lineage graph }
		ph.ask(t, `query($id: ID!, $kinds: [NodeKind!]) { lineage(id: $id, direction: DOWNSTREAM, depth: 4, kinds: $kinds) {
			nodes { id kind distance } edges { from to kind } } }`, vars, &out)
		return out.Lineage
	}
	kinds := func(g graph) map[string]int {
		out := map[string]int{}
		for _, n := range g.Nodes {
			out[n.Kind]++
		}
		return out
	}
	t.Run("without kinds there are no jobs", func(t *testing.T) {
		g := lineage(t, map[string]any{"id": p.ordersV1})
		if k := kinds(g); k["JOB"] != 0 || k["RUN"] != 2 {
			t.Errorf("kinds %v", k)
		}
	})
	t.Run("kinds with JOB add each run's job", func(t *testing.T) {
		g := lineage(t, map[string]any{"id": p.ordersV1, "kinds": []string{"DATASET_VERSION", "RUN", "MODEL_VERSION", "JOB"}})
		if k := kinds(g); k["JOB"] != 2 || k["RUN"] != 2 {
			t.Errorf("kinds %v", k)
		}
		has := func(from, to, kind string) bool {
			return slices.ContainsFunc(g.Edges, func(e struct{ From, To, Kind string }) bool { return e.From == from && e.To == to && e.Kind == kind })
		}
		if !has(p.aggJob, p.aggRun, "HAS_RUN") || !has(p.reportJob, p.reportRun, "HAS_RUN") {
			t.Errorf("edges %+v", g.Edges)
		}
		for _, n := range g.Nodes {
			if n.ID == p.aggJob && n.Distance != 2 {
				t.Errorf("the aggregation's job at %d, want one hop beyond its run", n.Distance)
			}
		}
	})
	t.Run("jobs and datasets only", func(t *testing.T) {
		g := lineage(t, map[string]any{"id": p.ordersV1, "kinds": []string{"DATASET_VERSION", "JOB"}})
		if k := kinds(g); k["RUN"] != 0 || k["JOB"] != 2 {
			t.Errorf("kinds %v", k)
		}
		found := slices.ContainsFunc(g.Edges, func(e struct{ From, To, Kind string }) bool {
			return e.From == p.aggJob && e.To == p.aggV && e.Kind == "INDIRECT"
		})
		if !found {
			t.Errorf("no INDIRECT edge from the job to what its run wrote: %+v", g.Edges)
		}
	})
	t.Run("a job as the root", func(t *testing.T) {
		g := lineage(t, map[string]any{"id": p.aggJob})
		if len(g.Nodes) == 0 || g.Nodes[0].ID != p.aggJob || !slices.ContainsFunc(g.Edges, func(e struct{ From, To, Kind string }) bool {
			return e.From == p.aggJob && e.To == p.aggRun && e.Kind == "HAS_RUN"
		}) {
			t.Errorf("graph %+v", g)
		}
	})
	t.Run("impact lists the jobs of the affected runs", func(t *testing.T) {
		var out struct {
			Impact struct {
				Jobs          []struct{ ID string }
				TotalAffected int
				ModelVersions []struct{ ID string }
			}
		}
		ph.ask(t, `query($id: ID!) { impact(id: $id) { jobs { id } totalAffected modelVersions { id } } }`, map[string]any{"id": p.ordersV1}, &out)
		var ids []string
		for _, j := range out.Impact.Jobs {
			ids = append(ids, j.ID)
		}
		want := []string{p.aggJob, p.reportJob}
		slices.Sort(want)
		if !slices.Equal(ids, want) || len(out.Impact.ModelVersions) != 1 {
			t.Errorf("impact %+v, want jobs %v", out.Impact, want)
		}
	})
}
