package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/google/uuid"
)

// The events this benchmark sends are what an Airflow deployment with the
// OpenLineage provider sends for its tasks: per task run a START and a
// COMPLETE, each naming the task's job (jobType, sourceCodeLocation, SQL
// for some), the DAG run as the parent, the nominal time and the
// processing engine, 3 input and 2 output datasets with their schema
// (5-15 fields) and data source, and on the outputs the column lineage
// (each output field from one or two input fields) and, on COMPLETE, the
// output statistics. Jobs and datasets come from a fixed pool (seeded),
// so datasets are shared across runs and jobs as in a real warehouse:
// every job reads sources and the outputs of other jobs, and each derived
// dataset has one writer.

const (
	producer      = "https://github.com/apache/airflow/tree/providers-openlineage/1.14.0"
	runEventURL   = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"
	facetSpec     = "https://openlineage.io/spec/facets/"
	eventTimeForm = "2006-01-02T15:04:05.000000-07:00" // Python's isoformat with microseconds
)

// facet is a facet's two required keys; facets embed it.
type facet struct {
	Producer  string `json:"_producer"`
	SchemaURL string `json:"_schemaURL"`
}

func newFacet(path string) facet { return facet{producer, facetSpec + path} }

type field struct {
	Name        string `json:"name"`
	Type        string `json:"type"`
	Description string `json:"description,omitempty"`
}

// dataset is one dataset of the pool.
type dataset struct {
	Namespace, Name string
	Fields          []field
	Source          bool // read by jobs, written by none
}

// job is one task of a DAG: what it reads and writes never changes.
type job struct {
	Namespace, Name, DAG string
	dag                  int    // index into pool.dags
	Inputs               [3]int // indexes into pool.datasets
	Outputs              [2]int
	// Rendered once: the job object and the inputs array are the same in
	// every event of the job, and so are the outputs' dataset facets.
	jobJSON, inputsJSON json.RawMessage
	outputFacets        [2]json.RawMessage
}

// dag is a DAG: its tasks run one after another in each DAG run.
type dag struct {
	Namespace, Name string
	Tasks           []int // indexes into pool.jobs
	Schedule        time.Duration
}

// pool is the fixed world the events describe.
type pool struct {
	columns  bool // the outputs carry column lineage
	datasets []dataset
	jobs     []job
	dags     []dag
}

var (
	domains  = []string{"orders", "payments", "customers", "marketing", "logistics", "inventory", "finance", "product", "support", "risk"}
	entities = []string{"orders", "order_items", "customers", "invoices", "refunds", "sessions", "page_views", "shipments", "returns",
		"products", "prices", "campaigns", "clicks", "ledger_entries", "accounts", "subscriptions", "tickets", "chargebacks",
		"stock_levels", "suppliers", "addresses", "carts", "coupons", "reviews"}
	vocabulary = []field{{"created_at", "TIMESTAMP", ""}, {"updated_at", "TIMESTAMP", ""}, {"amount", "DECIMAL(18,2)", "in the currency of the row"},
		{"currency", "VARCHAR(3)", "ISO 4217"}, {"status", "VARCHAR", ""}, {"country", "VARCHAR(2)", "ISO 3166-1 alpha-2"},
		{"email", "VARCHAR", "PII"}, {"quantity", "INTEGER", ""}, {"sku", "VARCHAR", ""}, {"unit_price", "DECIMAL(18,2)", ""},
		{"discount", "DECIMAL(18,2)", ""}, {"event_type", "VARCHAR", ""}, {"session_id", "VARCHAR", ""}, {"user_agent", "VARCHAR", ""},
		{"is_active", "BOOLEAN", ""}, {"region", "VARCHAR", ""}, {"channel", "VARCHAR", ""}, {"campaign_id", "BIGINT", ""},
		{"customer_id", "BIGINT", ""}, {"order_id", "BIGINT", ""}, {"product_id", "BIGINT", ""}, {"payment_method", "VARCHAR", ""},
		{"tax_amount", "DECIMAL(18,2)", ""}, {"warehouse_id", "INTEGER", ""}, {"_loaded_at", "TIMESTAMP", "load time"},
		{"score", "DOUBLE", ""}, {"segment", "VARCHAR", ""}, {"ds", "DATE", "partition"}}
	sourceSystems = []struct{ ns, form string }{
		{"postgres://orders-db.prod.acme.internal:5432", "orders.public.%[2]s"},
		{"postgres://crm-db.prod.acme.internal:5432", "crm.public.%[1]s_%[2]s"},
		{"kafka://kafka-1.prod.acme.internal:9092", "%[1]s.%[2]s.v1"},
		{"s3://acme-lake-prod", "raw/%[1]s/%[2]s"},
	}
	warehouses = []struct{ ns, form string }{
		{"snowflake://acme-eu.eu-central-1.aws", "ANALYTICS.%[1]s.%[3]s_%[2]s"},
		{"bigquery", "acme-prod.%[1]s_marts.%[3]s_%[2]s"},
		{"hive://metastore.prod.acme.internal:9083", "warehouse.%[1]s_%[3]s_%[2]s"},
	}
	layers     = []string{"stg", "int", "fct", "dim", "agg", "rpt"}
	dagSuffix  = []string{"daily", "hourly", "nightly", "sync", "backfill", "refresh"}
	taskVerbs  = []string{"extract", "load", "transform", "aggregate", "publish", "check", "enrich", "dedupe"}
	operations = []string{"IDENTITY", "TRANSFORMATION", "AGGREGATION"}
)

// newPool makes the world: dags DAGs of 4-8 tasks, sources source
// datasets and one derived dataset per job output, all from seed. Without
// columns the outputs carry no columnLineage facet (to measure what it
// costs); the rest is the same.
func newPool(seed uint64, dags, sources int, columns bool) *pool {
	rng := rand.New(rand.NewPCG(seed, 0x0121))
	p := &pool{columns: columns}
	names := map[string]bool{}
	mkDataset := func(systems []struct{ ns, form string }, source bool) int {
		for {
			s := systems[rng.IntN(len(systems))]
			d, e, l := domains[rng.IntN(len(domains))], entities[rng.IntN(len(entities))], layers[rng.IntN(len(layers))]
			name := fmt.Sprintf(s.form, d, e, l)
			if strings.HasPrefix(s.ns, "snowflake") {
				name = strings.ToUpper(name)
			}
			if names[s.ns+name] {
				continue
			}
			names[s.ns+name] = true
			n := 5 + rng.IntN(11) // 5-15 fields, an id first
			fields := []field{{e[:len(e)-1] + "_id", "BIGINT", "primary key"}}
			for _, i := range rng.Perm(len(vocabulary))[:n-1] {
				fields = append(fields, vocabulary[i])
			}
			p.datasets = append(p.datasets, dataset{Namespace: s.ns, Name: name, Fields: fields, Source: source})
			return len(p.datasets) - 1
		}
	}
	for range sources {
		mkDataset(sourceSystems, true)
	}
	// Each job reads three datasets (sources or what earlier jobs wrote)
	// and writes two of its own.
	for d := range dags {
		ns := "airflow-prod"
		if d%5 == 4 {
			ns = "dbt-analytics"
		}
		g := dag{Namespace: ns, Name: fmt.Sprintf("%s_%s_%d", domains[d%len(domains)], dagSuffix[rng.IntN(len(dagSuffix))], d),
			Schedule: []time.Duration{time.Hour, 24 * time.Hour}[rng.IntN(2)]}
		for t := range 4 + rng.IntN(5) {
			j := job{Namespace: ns, DAG: g.Name, dag: d, Name: fmt.Sprintf("%s.%s_%d", g.Name, taskVerbs[rng.IntN(len(taskVerbs))], t)}
			for i := range j.Inputs {
				for {
					c := rng.IntN(len(p.datasets))
					if !containsInt(j.Inputs[:i], c) {
						j.Inputs[i] = c
						break
					}
				}
			}
			for i := range j.Outputs {
				j.Outputs[i] = mkDataset(warehouses, false)
			}
			g.Tasks = append(g.Tasks, len(p.jobs))
			p.jobs = append(p.jobs, j)
		}
		p.dags = append(p.dags, g)
	}
	for i := range p.jobs {
		p.render(i, rng)
	}
	return p
}

func containsInt(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

type schemaFacet struct {
	facet
	Fields []field `json:"fields"`
}

type dataSourceFacet struct {
	facet
	Name string `json:"name"`
	URI  string `json:"uri"`
}

type transformation struct {
	Type        string `json:"type"`
	Subtype     string `json:"subtype"`
	Description string `json:"description"`
	Masking     bool   `json:"masking"`
}

type inputField struct {
	Namespace       string           `json:"namespace"`
	Name            string           `json:"name"`
	Field           string           `json:"field"`
	Transformations []transformation `json:"transformations"`
}

type columnLineageFacet struct {
	facet
	Fields map[string]struct {
		InputFields []inputField `json:"inputFields"`
	} `json:"fields"`
	Dataset []inputField `json:"dataset"`
}

type datasetJSON struct {
	Namespace    string          `json:"namespace"`
	Name         string          `json:"name"`
	Facets       json.RawMessage `json:"facets"`
	OutputFacets json.RawMessage `json:"outputFacets,omitempty"`
}

func (p *pool) datasetFacets(d dataset) map[string]any {
	return map[string]any{
		"schema":     schemaFacet{newFacet("1-2-0/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet"), d.Fields},
		"dataSource": dataSourceFacet{newFacet("1-0-1/DatasourceDatasetFacet.json#/$defs/DatasourceDatasetFacet"), d.Namespace, d.Namespace},
	}
}

// render builds the parts of job i's events that never change.
func (p *pool) render(i int, rng *rand.Rand) {
	j := &p.jobs[i]
	sha := fmt.Sprintf("%016x%016x%08x", rng.Uint64(), rng.Uint64(), rng.Uint32())
	file := "dags/" + j.DAG + ".py"
	jobFacets := map[string]any{
		"jobType": struct {
			facet
			ProcessingType string `json:"processingType"`
			Integration    string `json:"integration"`
			JobType        string `json:"jobType"`
		}{newFacet("2-0-3/JobTypeJobFacet.json#/$defs/JobTypeJobFacet"), "BATCH", "AIRFLOW", "TASK"},
		"sourceCodeLocation": struct {
			facet
			Type    string `json:"type"`
			URL     string `json:"url"`
			RepoURL string `json:"repoUrl"`
			Path    string `json:"path"`
			Version string `json:"version"`
			Branch  string `json:"branch"`
		}{newFacet("1-0-1/SourceCodeLocationJobFacet.json#/$defs/SourceCodeLocationJobFacet"), "git",
			"https://github.com/acme/data-pipelines/blob/" + sha + "/" + file, "https://github.com/acme/data-pipelines.git", file, sha, "main"},
	}
	in0, out0 := p.datasets[j.Inputs[0]], p.datasets[j.Outputs[0]]
	if i%2 == 0 {
		jobFacets["sql"] = struct {
			facet
			Query string `json:"query"`
		}{newFacet("1-1-0/SQLJobFacet.json#/$defs/SQLJobFacet"),
			fmt.Sprintf("INSERT INTO %s SELECT %s FROM %s WHERE ds = '{{ ds }}'", out0.Name, in0.Fields[0].Name, in0.Name)}
	}
	j.jobJSON = mustJSON(map[string]any{"namespace": j.Namespace, "name": j.Name, "facets": jobFacets})
	inputs := make([]datasetJSON, len(j.Inputs))
	for n, d := range j.Inputs {
		ds := p.datasets[d]
		inputs[n] = datasetJSON{Namespace: ds.Namespace, Name: ds.Name, Facets: mustJSON(p.datasetFacets(ds))}
	}
	j.inputsJSON = mustJSON(inputs)
	for n, d := range j.Outputs {
		ds := p.datasets[d]
		facets := p.datasetFacets(ds)
		cl := columnLineageFacet{facet: newFacet("1-2-0/ColumnLineageDatasetFacet.json#/$defs/ColumnLineageDatasetFacet"),
			Fields: map[string]struct {
				InputFields []inputField `json:"inputFields"`
			}{}}
		from := func() inputField {
			src := p.datasets[j.Inputs[rng.IntN(len(j.Inputs))]]
			return inputField{Namespace: src.Namespace, Name: src.Name, Field: src.Fields[rng.IntN(len(src.Fields))].Name,
				Transformations: []transformation{{Type: "DIRECT", Subtype: operations[rng.IntN(len(operations))]}}}
		}
		for _, f := range ds.Fields {
			srcs := []inputField{from()}
			if rng.IntN(3) == 0 {
				srcs = append(srcs, from())
			}
			cl.Fields[f.Name] = struct {
				InputFields []inputField `json:"inputFields"`
			}{srcs}
		}
		cl.Dataset = []inputField{{Namespace: in0.Namespace, Name: in0.Name, Field: in0.Fields[0].Name,
			Transformations: []transformation{{Type: "INDIRECT", Subtype: "JOIN"}}}}
		if p.columns {
			facets["columnLineage"] = cl
		}
		j.outputFacets[n] = mustJSON(facets)
	}
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// taskRun is one run of a task: all its events are made from it again,
// byte for byte, so a sample can be sent a second time.
type taskRun struct {
	ID, ParentID uuid.UUID
	Job          int
	Nominal      time.Time
	Start, End   time.Time
	Rows         int64
}

type runFacets struct {
	Parent struct {
		facet
		Run  runRef `json:"run"`
		Job  jobRef `json:"job"`
		Root struct {
			Run runRef `json:"run"`
			Job jobRef `json:"job"`
		} `json:"root"`
	} `json:"parent"`
	NominalTime struct {
		facet
		Start string `json:"nominalStartTime"`
		End   string `json:"nominalEndTime"`
	} `json:"nominalTime"`
	Engine struct {
		facet
		Version        string `json:"version"`
		Name           string `json:"name"`
		AdapterVersion string `json:"openlineageAdapterVersion"`
	} `json:"processing_engine"`
}

type runRef struct {
	RunID string `json:"runId"`
}

type jobRef struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
}

type runEvent struct {
	EventTime string          `json:"eventTime"`
	EventType string          `json:"eventType"`
	Producer  string          `json:"producer"`
	SchemaURL string          `json:"schemaURL"`
	Run       runJSON         `json:"run"`
	Job       json.RawMessage `json:"job"`
	Inputs    json.RawMessage `json:"inputs"`
	Outputs   []datasetJSON   `json:"outputs"`
}

type runJSON struct {
	RunID  string    `json:"runId"`
	Facets runFacets `json:"facets"`
}

// event renders the START (complete false) or the COMPLETE of r.
func (p *pool) event(r *taskRun, complete bool) []byte { return p.runEvent(r, complete).encode() }

// runEvent is the START (complete false) or the COMPLETE of r.
func (p *pool) runEvent(r *taskRun, complete bool) *runEvent {
	j := &p.jobs[r.Job]
	g := &p.dags[j.dag]
	e := runEvent{EventTime: r.Start.UTC().Format(eventTimeForm), EventType: "START", Producer: producer, SchemaURL: runEventURL,
		Job: j.jobJSON, Inputs: j.inputsJSON, Outputs: make([]datasetJSON, len(j.Outputs))}
	if complete {
		e.EventTime, e.EventType = r.End.UTC().Format(eventTimeForm), "COMPLETE"
	}
	e.Run.RunID = r.ID.String()
	f := &e.Run.Facets
	f.Parent.facet = newFacet("1-1-0/ParentRunFacet.json#/$defs/ParentRunFacet")
	f.Parent.Run.RunID, f.Parent.Job = r.ParentID.String(), jobRef{g.Namespace, g.Name}
	f.Parent.Root.Run.RunID, f.Parent.Root.Job = r.ParentID.String(), jobRef{g.Namespace, g.Name}
	f.NominalTime.facet = newFacet("1-0-1/NominalTimeRunFacet.json#/$defs/NominalTimeRunFacet")
	f.NominalTime.Start, f.NominalTime.End = r.Nominal.UTC().Format(eventTimeForm), r.Nominal.Add(g.Schedule).UTC().Format(eventTimeForm)
	f.Engine.facet = newFacet("1-1-1/ProcessingEngineRunFacet.json#/$defs/ProcessingEngineRunFacet")
	f.Engine.Version, f.Engine.Name, f.Engine.AdapterVersion = "2.10.4", "Airflow", "1.14.0"
	for n, d := range j.Outputs {
		ds := p.datasets[d]
		e.Outputs[n] = datasetJSON{Namespace: ds.Namespace, Name: ds.Name, Facets: j.outputFacets[n]}
		if complete {
			e.Outputs[n].OutputFacets = mustJSON(map[string]any{"outputStatistics": struct {
				facet
				RowCount int64 `json:"rowCount"`
				Size     int64 `json:"size"`
			}{newFacet("1-0-2/OutputStatisticsOutputDatasetFacet.json#/$defs/OutputStatisticsOutputDatasetFacet"),
				r.Rows + int64(n), (r.Rows + int64(n)) * 112}})
		}
	}
	return &e
}

// encode writes e as json.Marshal does, without reading its pre-encoded
// parts again: json.Marshal checks and compacts every json.RawMessage it
// writes, which made the clients' own work a fifth of the CPU the
// benchmark measured, on the machine the hub runs on.
func (e *runEvent) encode() []byte {
	n := len(e.Job) + len(e.Inputs) + 512
	for _, o := range e.Outputs {
		n += len(o.Facets) + len(o.OutputFacets) + 128
	}
	b := make([]byte, 0, n)
	field := func(name string, v any) {
		b = append(b, ',', '"')
		b = append(b, name...)
		b = append(b, '"', ':')
		b = append(b, mustJSON(v)...)
	}
	b = append(b, `{"eventTime":`...)
	b = append(b, mustJSON(e.EventTime)...)
	field("eventType", e.EventType)
	field("producer", e.Producer)
	field("schemaURL", e.SchemaURL)
	field("run", e.Run)
	b = append(append(b, `,"job":`...), e.Job...)
	b = append(append(b, `,"inputs":`...), e.Inputs...)
	b = append(b, `,"outputs":[`...)
	for i, o := range e.Outputs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"namespace":`...)
		b = append(b, mustJSON(o.Namespace)...)
		field("name", o.Name)
		b = append(append(b, `,"facets":`...), o.Facets...)
		if len(o.OutputFacets) > 0 {
			b = append(append(b, `,"outputFacets":`...), o.OutputFacets...)
		}
		b = append(b, '}')
	}
	return append(b, ']', '}')
}

// producerClient is what one Airflow deployment sends: it runs its DAGs'
// tasks one after another, keeping inflight task runs open at once, so
// that in the steady state every START of a new run is followed by the
// COMPLETE of the oldest open one.
type producerClient struct {
	p        *pool
	rng      *rand.Rand
	inflight []*taskRun
	depth    int
	// The DAG run in progress and its next task.
	dag     int
	dagRun  uuid.UUID
	nominal time.Time
	task    int
}

func newProducer(p *pool, seed uint64, depth int) *producerClient {
	c := &producerClient{p: p, rng: rand.New(rand.NewPCG(seed, 0xc11e)), depth: depth}
	c.nextDAG()
	return c
}

func (c *producerClient) nextDAG() {
	c.dag = c.rng.IntN(len(c.p.dags))
	c.dagRun = uuid.Must(uuid.NewV7())
	g := c.p.dags[c.dag]
	c.nominal = time.Now().UTC().Truncate(g.Schedule)
	c.task = 0
}

// next returns the next event to send and the run it belongs to; finish
// true asks for the COMPLETE of an open run when there is one.
func (c *producerClient) next(now time.Time, finish bool) (*taskRun, bool) {
	if len(c.inflight) > 0 && (finish || len(c.inflight) >= c.depth) {
		r := c.inflight[0]
		c.inflight = c.inflight[1:]
		r.End = now
		return r, true
	}
	g := c.p.dags[c.dag]
	r := &taskRun{ID: uuid.Must(uuid.NewV7()), ParentID: c.dagRun, Job: g.Tasks[c.task], Nominal: c.nominal, Start: now,
		Rows: 1_000 + c.rng.Int64N(5_000_000)}
	if c.task++; c.task == len(g.Tasks) {
		c.nextDAG()
	}
	c.inflight = append(c.inflight, r)
	return r, false
}
