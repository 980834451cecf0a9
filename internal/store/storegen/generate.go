package storegen

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/store"
)

// GenSpec describes a synthetic lineage graph for GenerateLineage.
type GenSpec struct {
	// Nodes is the number of nodes to create (projects, experiments, runs,
	// datasets and their versions, models and their versions). The
	// generator stops after the pipeline execution that reaches it.
	Nodes int
	// Seed makes the graph deterministic: the same seed and size give the
	// same IDs, names, times and edges.
	Seed uint64
	// Prefix starts every project key, so several graphs can share a
	// database ("lg" when empty).
	Prefix string
	// Projects is the number of projects (8 when zero); Hubs the number of
	// shared reference dataset versions that thousands of runs read (12
	// when zero).
	Projects, Hubs int
	// Batch is the number of nodes written per transaction (10,000 when
	// zero). Each batch's transaction may run for a time that grows with
	// the nodes it writes; see BatchTimeout.
	Batch int
	// Progress, when set, is called after every batch.
	Progress func(GenStats)
}

func (spec GenSpec) withDefaults() GenSpec {
	if spec.Prefix == "" {
		spec.Prefix = "lg"
	}
	if spec.Projects == 0 {
		spec.Projects = 8
	}
	if spec.Hubs == 0 {
		spec.Hubs = 12
	}
	if spec.Batch == 0 {
		spec.Batch = 10_000
	}
	return spec
}

// Validate reports what is wrong with a spec (zero values take their
// defaults), naming the field.
func (spec GenSpec) Validate() error {
	spec = spec.withDefaults()
	switch {
	case spec.Nodes < 100 || spec.Nodes > 100_000_000:
		return errs.Invalidf("nodes: between 100 and 100,000,000, got %d", spec.Nodes)
	case spec.Projects < 1 || spec.Projects > 1000:
		return errs.Invalidf("projects: between 1 and 1,000, got %d", spec.Projects)
	case spec.Hubs < 1 || spec.Hubs > 1000:
		return errs.Invalidf("hubs: between 1 and 1,000, got %d", spec.Hubs)
	case spec.Batch < 100:
		return errs.Invalidf("batch: at least 100, got %d", spec.Batch)
	}
	if err := store.CheckProjectKey("prefix", fmt.Sprintf("%s-%d", spec.Prefix, spec.Projects-1)); err != nil {
		return err
	}
	return nil
}

// A batch's transaction may run for genTxBase plus genTxPerNode for each
// node it writes, its edges (about two per node) included. An idle
// machine writes a node and its edges in about 0.5 ms; the allowance is
// twenty times that, so a batch on a machine busy with other work is not
// cut off, while a transaction that hangs still ends. A timeout per batch,
// not one for the whole graph, keeps any graph size within reach.
const (
	genTxBase    = 2 * time.Minute
	genTxPerNode = 10 * time.Millisecond
	// genMaxPipelineNodes bounds the nodes one pipeline adds (24 datasets
	// and at most 8 executions of 24 versions, 21 runs, a sweep of 24 and
	// 2 model versions); a batch is flushed after the pipeline that fills
	// it, so it may exceed Batch by this much.
	genMaxPipelineNodes = 600
)

// genTxTimeout is the transaction timeout of a batch of n nodes.
func genTxTimeout(n int) time.Duration { return genTxBase + time.Duration(n)*genTxPerNode }

// BatchTimeout is the longest any transaction of the spec's generation
// may run: the timeout of a full batch. A caller that owns the driver
// sizes its MaxTransactionRetryTime with it, so a batch that fails
// transiently is retried for as long as a batch may take.
func (spec GenSpec) BatchTimeout() time.Duration {
	return genTxTimeout(spec.withDefaults().Batch + genMaxPipelineNodes)
}

// GenStats counts what GenerateLineage wrote.
type GenStats struct {
	Nodes, Edges, Runs, DatasetVersions, ModelVersions int
	Projects                                           []string
	// Hubs are the IDs of the hub dataset versions, most read first.
	Hubs    []string
	Elapsed time.Duration
}

// genStart is the start of the generated timeline; generated times only
// move forward from it, one pipeline execution after another.
var genStart = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// genKinds are the node kinds the generator writes, in the order the
// store's kinds table lists them; a batch writes its nodes in this order.
var genKinds = []store.Kind{store.KindProject, store.KindExperiment, store.KindRun, store.KindDataset,
	store.KindDatasetVersion, store.KindModel, store.KindModelVersion, store.KindPolicy}

// genEdgeTypes are the lineage and container edge types the generator
// writes.
var genEdgeTypes = []string{"HAS_POLICY", "HAS_EXPERIMENT", "HAS_DATASET", "HAS_MODEL", "HAS_RUN", "HAS_VERSION", "CONSUMED_BY", "PRODUCED", "DERIVED_INTO"}

// gen is one generation in progress.
type gen struct {
	spec  GenSpec
	rng   *rand.Rand // the shape
	ids   *rand.Rand // the random bits of IDs
	clock time.Time
	nodes map[store.Kind][]map[string]any
	edges map[string][]map[string]any
	stats GenStats
	// pending counts nodes not yet written.
	pending int
	// finals holds recent pipeline outputs per project, for pipelines
	// that read other pipelines' outputs.
	finals [][]string
	hubs   []string
	hubCDF []float64
	// projects maps keys to IDs; rows maps the IDs of pending nodes to
	// their properties, for later edits (version counts, stages).
	projects map[string]string
	rows     map[string]map[string]any
	// unit is the generator's "minute": scaled so that a graph of any size
	// spans about two months from genStart.
	unit time.Duration
}

// GenerateLineage writes a realistic, deterministic lineage graph of about
// spec.Nodes nodes with batched writes: layered pipelines whose runs read
// the previous layer's dataset versions and write new ones, re-executed
// over time (new versions of the same datasets), training sweeps that
// register model versions, outputs of one pipeline read by others (a few
// across projects), copies recorded as DERIVED_INTO, a few runs that
// rewrite their own input (cycles), and hub dataset versions read by
// thousands of runs with a Zipf-skewed popularity. It refuses (errs.Conflict)
// when projects with the prefix already exist.
func (gs *Graphs) GenerateLineage(ctx context.Context, spec GenSpec) (*GenStats, error) {
	start := time.Now()
	spec = spec.withDefaults()
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	existing, err := read(ctx, gs, func(tx neo4j.ManagedTransaction) (int64, error) {
		rec, err := one(run(ctx, tx, `MATCH (p:Project) WHERE p.key STARTS WITH $prefix RETURN count(p) AS n`,
			map[string]any{"prefix": spec.Prefix + "-"}))
		if err != nil {
			return 0, err
		}
		return recInt(rec, "n")
	})
	if err != nil {
		return nil, err
	}
	if existing > 0 {
		return nil, errs.Conflictf("prefix: %d projects with keys %s-* already exist", existing, spec.Prefix)
	}
	// The seed alone decides the graph's shape; the prefix is part of the
	// seed of the IDs, so two graphs in one database never share an ID.
	h := fnv.New64a()
	h.Write([]byte(spec.Prefix))
	g := &gen{spec: spec, rng: rand.New(rand.NewPCG(spec.Seed, 0x9e3779b97f4a7c15)), ids: rand.New(rand.NewPCG(spec.Seed, h.Sum64())), clock: genStart,
		nodes: map[store.Kind][]map[string]any{}, edges: map[string][]map[string]any{}, finals: make([][]string, spec.Projects),
		projects: map[string]string{}, rows: map[string]map[string]any{},
		unit: time.Minute * 20_000 / time.Duration(max(20_000, spec.Nodes))}
	if err := g.run(ctx, gs); err != nil {
		return nil, err
	}
	g.stats.Elapsed = time.Since(start)
	return &g.stats, nil
}

func (g *gen) run(ctx context.Context, gs *Graphs) error {
	for i := range g.spec.Projects {
		key := fmt.Sprintf("%s-%d", g.spec.Prefix, i)
		g.projects[key] = g.node(store.KindProject, map[string]any{"key": key, "projectKey": key, "name": key, "displayName": key})
		// Every project has its default policy, as CreateProject makes it.
		g.edge("HAS_POLICY", g.projects[key], g.node(store.KindPolicy, map[string]any{"projectKey": key, "version": int64(0)}))
		g.stats.Projects = append(g.stats.Projects, key)
	}
	// Hubs: reference tables of the first project that everyone reads.
	ref := g.stats.Projects[0]
	for i := range g.spec.Hubs {
		ds := g.dataset(ref, fmt.Sprintf("reference.table_%d", i))
		g.hubs = append(g.hubs, g.version(ref, ds, "v1"))
	}
	var total float64
	for i := range g.spec.Hubs {
		total += 1 / float64(i+1)
		g.hubCDF = append(g.hubCDF, total)
	}
	for i := range g.hubCDF {
		g.hubCDF[i] /= total
	}
	g.stats.Hubs = g.hubs
	for pipeline := 0; g.stats.Nodes+g.pending < g.spec.Nodes; pipeline++ {
		g.pipeline(pipeline)
		if g.pending >= g.spec.Batch {
			if err := g.flush(ctx, gs); err != nil {
				return err
			}
		}
	}
	return g.flush(ctx, gs)
}

// id returns a deterministic, time-ordered ID of kind k at the current
// generator time: the UUIDv7 layout with the generator's random bits.
func (g *gen) id(k store.Kind) string {
	prefix := store.IDPrefix(k)
	if prefix == "" {
		panic("storegen: unknown kind " + string(k))
	}
	return prefix + timeOrdered(g.clock, g.ids).String()
}

func (g *gen) tick(d time.Duration) { g.clock = g.clock.Add(d) }

func (g *gen) node(k store.Kind, props map[string]any) string {
	if !slices.Contains(genKinds, k) {
		panic("storegen: the generator does not write kind " + string(k))
	}
	id := g.id(k)
	props["id"] = id
	props["createdAt"] = g.clock
	if _, ok := props["createdBy"]; !ok {
		props["createdBy"] = "generator"
	}
	g.nodes[k] = append(g.nodes[k], props)
	g.rows[id] = props
	g.pending++
	return id
}

func (g *gen) edge(typ, from, to string) {
	g.edges[typ] = append(g.edges[typ], map[string]any{"f": from, "t": to, "c": g.clock})
}

func (g *gen) dataset(project, name string) string {
	id := g.node(store.KindDataset, map[string]any{"projectKey": project, "namespace": "s3://" + project, "name": name,
		"displayName": name, "description": "", "versionCount": 0})
	g.edge("HAS_DATASET", g.projectID(project), id)
	return id
}

func (g *gen) projectID(project string) string { return g.projects[project] }

// version registers a new version of the dataset with id ds.
func (g *gen) version(project, ds, version string) string {
	name := fmt.Sprint(g.rows[ds]["name"])
	var digest [32]byte
	for i := range 4 {
		binary.BigEndian.PutUint64(digest[i*8:], g.rng.Uint64())
	}
	id := g.node(store.KindDatasetVersion, map[string]any{"projectKey": project, "datasetId": ds, "version": version,
		"displayName": name + "@" + version, "uri": fmt.Sprintf("s3://%s/%s/%s", project, name, version),
		"digest": fmt.Sprintf("sha256:%x", digest), "rowCount": int64(1000 + g.rng.IntN(10_000_000)),
		"schemaNames": []string{"id", "value"}, "schemaTypes": []string{"string", "double"}, "schemaNullable": []bool{false, true}})
	g.edge("HAS_VERSION", ds, id)
	if d := g.rows[ds]; d != nil {
		d["versionCount"] = d["versionCount"].(int) + 1
	}
	g.stats.DatasetVersions++
	return id
}

func (g *gen) runNode(project, exp, name, owner string) string {
	id := g.node(store.KindRun, map[string]any{"projectKey": project, "experimentId": exp, "name": name, "displayName": name,
		"status": string(store.StatusFinished), "startedAt": g.clock, "endedAt": g.clock.Add(20 * time.Minute), "createdBy": owner,
		"revision": 0, "paramKeys": []string{"seed"}, "paramValues": []string{fmt.Sprint(g.rng.IntN(1000))},
		"tagKeys": []string{}, "tagValues": []string{}})
	g.edge("HAS_RUN", exp, id)
	g.stats.Runs++
	return id
}

// pick returns an index in [0, n) skewed towards 0.
func (g *gen) pick(n int) int {
	return min(n-1, int(math.Floor(float64(n)*math.Pow(g.rng.Float64(), 2.5))))
}

func (g *gen) hub() string {
	x := g.rng.Float64()
	for i, c := range g.hubCDF {
		if x <= c {
			return g.hubs[i]
		}
	}
	return g.hubs[len(g.hubs)-1]
}

// pipeline creates one pipeline and its executions.
func (g *gen) pipeline(n int) {
	p := g.pick(g.spec.Projects)
	project := g.stats.Projects[p]
	owner := fmt.Sprintf("team-%d@%s", g.rng.IntN(5), project)
	exp := g.node(store.KindExperiment, map[string]any{"projectKey": project, "name": fmt.Sprintf("pipeline-%d", n),
		"displayName": fmt.Sprintf("pipeline-%d", n), "description": "", "createdBy": owner})
	g.edge("HAS_EXPERIMENT", g.projectID(project), exp)
	layers := 2 + g.rng.IntN(6)
	// The datasets of each layer: layer 0 holds the raw sources.
	shape := make([][]string, layers+1)
	for l := range shape {
		for j := range 1 + g.rng.IntN(3) {
			shape[l] = append(shape[l], g.dataset(project, fmt.Sprintf("p%d.l%d_%d", n, l, j)))
		}
	}
	var model string
	if g.rng.Float64() < 0.8 {
		name := fmt.Sprintf("model-%d", n)
		model = g.node(store.KindModel, map[string]any{"projectKey": project, "name": name, "displayName": name, "versionCount": 0, "createdBy": owner})
		g.edge("HAS_MODEL", g.projectID(project), model)
	}
	executions := 1 + g.pick(8)
	var lastMV []string
	for x := range executions {
		g.tick(time.Duration(1+g.rng.IntN(120)) * g.unit)
		version := fmt.Sprintf("v%d", x+1)
		prev := make([]string, 0, len(shape[0]))
		for _, ds := range shape[0] {
			prev = append(prev, g.version(project, ds, version))
		}
		// Outside inputs of the first layer: hubs, other pipelines.
		var extra []string
		if g.rng.Float64() < 0.45 {
			extra = append(extra, g.hub())
		}
		if g.rng.Float64() < 0.3 {
			q := p
			if g.rng.Float64() < 0.1 {
				q = g.rng.IntN(g.spec.Projects)
			}
			if f := g.finals[q]; len(f) > 0 {
				extra = append(extra, f[len(f)-1-g.pick(min(len(f), 200))])
			}
		}
		for l := 1; l <= layers; l++ {
			g.tick(time.Duration(1+g.rng.IntN(30)) * g.unit)
			var next []string
			for j, ds := range shape[l] {
				out := g.version(project, ds, version)
				next = append(next, out)
				if g.rng.Float64() < 0.08 {
					g.edge("DERIVED_INTO", prev[j%len(prev)], out)
					continue
				}
				run := g.runNode(project, exp, fmt.Sprintf("p%d/l%d_%d #%d", n, l, j, x+1), owner)
				inputs := 1 + g.rng.IntN(len(prev))
				for k := range inputs {
					g.edge("CONSUMED_BY", prev[(j+k)%len(prev)], run)
				}
				if l == 1 {
					for _, e := range extra {
						g.edge("CONSUMED_BY", e, run)
					}
				}
				g.edge("PRODUCED", run, out)
				if g.rng.Float64() < 0.002 {
					// A run that rewrites its own input: a cycle.
					g.edge("PRODUCED", run, prev[j%len(prev)])
				}
			}
			prev = next
		}
		g.finals[p] = append(g.finals[p], prev...)
		if len(g.finals[p]) > 400 {
			g.finals[p] = g.finals[p][200:]
		}
		if model == "" {
			continue
		}
		// A training sweep: every run reads the features, the best few
		// register a model version.
		g.tick(time.Duration(1+g.rng.IntN(60)) * g.unit)
		sweep := 1 + g.pick(24)
		for k := range sweep {
			run := g.runNode(project, exp, fmt.Sprintf("p%d/train #%d.%d", n, x+1, k), owner)
			for _, in := range prev {
				g.edge("CONSUMED_BY", in, run)
			}
			if k < 2 {
				lastMV = append(lastMV, g.modelVersion(project, model, run, owner))
			}
		}
	}
	// Stages: the latest version in production for most models, the one
	// before archived.
	for i, mv := range lastMV {
		stage := store.StageNone
		switch {
		case i == len(lastMV)-1 && g.rng.Float64() < 0.6:
			stage = store.StageProduction
		case i == len(lastMV)-1:
			stage = store.StageStaging
		case i == len(lastMV)-2:
			stage = store.StageArchived
		}
		g.rows[mv]["stage"] = string(stage)
	}
}

func (g *gen) modelVersion(project, model, run, owner string) string {
	m := g.rows[model]
	v := m["versionCount"].(int) + 1
	m["versionCount"] = v
	id := g.node(store.KindModelVersion, map[string]any{"projectKey": project, "modelId": model, "version": int64(v),
		"displayName": fmt.Sprintf("%s v%d", m["name"], v), "uri": fmt.Sprintf("s3://%s/models/%s/%d", project, m["name"], v),
		"stage": string(store.StageNone), "createdBy": owner})
	g.edge("HAS_VERSION", model, id)
	g.edge("PRODUCED", run, id)
	g.stats.ModelVersions++
	return id
}

// flush writes the pending nodes, then the edges, in one transaction
// whose timeout is sized to them.
func (g *gen) flush(ctx context.Context, gs *Graphs) error {
	edges := 0
	_, err := writeWithin(ctx, gs, genTxTimeout(g.pending), func(tx neo4j.ManagedTransaction) (struct{}, error) {
		for _, k := range genKinds {
			rows := g.nodes[k]
			if len(rows) == 0 {
				continue
			}
			// The label comes from the store's kinds table, never from input.
			if _, err := run(ctx, tx, `UNWIND $rows AS r CREATE (n:Node:`+store.Label(k)+`) SET n = r`, map[string]any{"rows": rows}); err != nil {
				return struct{}{}, err
			}
		}
		edges = 0
		for _, typ := range genEdgeTypes {
			rows := g.edges[typ]
			if len(rows) == 0 {
				continue
			}
			// typ comes from genEdgeTypes, never from input.
			if _, err := run(ctx, tx, `UNWIND $rows AS r MATCH (a:Node {id: r.f}) MATCH (b:Node {id: r.t})
				CREATE (a)-[:`+typ+` {createdAt: r.c}]->(b)`, map[string]any{"rows": rows}); err != nil {
				return struct{}{}, err
			}
			edges += len(rows)
		}
		return struct{}{}, nil
	})
	if err != nil {
		return fmt.Errorf("generate lineage: %w", err)
	}
	g.stats.Nodes += g.pending
	g.stats.Edges += edges
	g.pending = 0
	clear(g.nodes)
	clear(g.edges)
	clear(g.rows)
	if g.spec.Progress != nil {
		g.spec.Progress(g.stats)
	}
	return nil
}
