package store

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/exphub/exphub/internal/errs"
)

// RunEntity is what a run search comparison looks at.
type RunEntity string

// Run search entities, in internal/runsearch's canonical spelling.
const (
	RunEntityMetric    RunEntity = "metrics"
	RunEntityParam     RunEntity = "params"
	RunEntityTag       RunEntity = "tags"
	RunEntityAttribute RunEntity = "attributes"
	RunEntityDataset   RunEntity = "datasets"
)

// RunOp is a run search comparison operator.
type RunOp string

// Run search operators. Which entity allows which operator is
// internal/runsearch's rule; the store refuses combinations it cannot
// compile.
const (
	RunOpEq        RunOp = "="
	RunOpNe        RunOp = "!="
	RunOpGt        RunOp = ">"
	RunOpGe        RunOp = ">="
	RunOpLt        RunOp = "<"
	RunOpLe        RunOp = "<="
	RunOpLike      RunOp = "LIKE"
	RunOpILike     RunOp = "ILIKE"
	RunOpIn        RunOp = "IN"
	RunOpNotIn     RunOp = "NOT IN"
	RunOpIsNull    RunOp = "IS NULL"
	RunOpIsNotNull RunOp = "IS NOT NULL"
)

// RunPredicate is one node of a run search: exactly one of And, Or and
// Compare is set.
type RunPredicate struct {
	And     []*RunPredicate
	Or      []*RunPredicate
	Compare *RunCompare
}

// RunCompare compares one field of a run with a value. Number is set for
// metrics and numeric attributes, Str for the string operators, Strs for
// IN and NOT IN; IS NULL and IS NOT NULL take no value.
type RunCompare struct {
	Entity RunEntity
	Key    string
	Op     RunOp
	Number float64
	Str    string
	Strs   []string
}

// RunQuery is a parsed run search filter; a nil Where matches every run.
type RunQuery struct {
	Where *RunPredicate
}

// RunSearchOrder sorts run search results by one field; runs without the
// field sort last in both directions, as MLflow does.
type RunSearchOrder struct {
	Entity RunEntity
	Key    string
	Desc   bool
}

// RunSearch asks for one page of a project's experiment runs.
type RunSearch struct {
	// Scope is what the caller may read; a project outside it has no runs.
	Scope      Scope
	ProjectKey string
	// ExperimentIDs narrows the search to these experiments of the
	// project; empty searches all of them.
	ExperimentIDs []string
	Query         *RunQuery
	// Order defaults to attributes.start_time DESC; the run ID breaks ties.
	Order []RunSearchOrder
	Page  Page
	// MaxFirst is the largest Page.First this caller allows, up to
	// MaxRunSearchPage; 0: MaxPageSize, as every list.
	MaxFirst int
	// Lifecycle selects active runs (the zero value), deleted ones or all.
	Lifecycle Lifecycle
}

// runAttributes maps the searchable attributes to the fixed Cypher
// expression each reads, and whether it is numeric (milliseconds).
var runAttributes = map[string]struct {
	expr    string
	numeric bool
}{
	"run_id":     {"r.id", false},
	"run_name":   {"r.name", false},
	"status":     {"r.status", false},
	"user_id":    {"r.createdBy", false},
	"start_time": {"r.startedAt.epochMillis", true},
	"end_time":   {"r.endedAt.epochMillis", true},
}

// RunAttributeNumeric reports whether attribute key is known and whether
// it is numeric; runsearch uses it so both sides agree on the list.
func RunAttributeNumeric(key string) (numeric, ok bool) {
	a, ok := runAttributes[key]
	return a.numeric, ok
}

// runDatasetFields maps a dataset field to its fixed expression over d
// (Dataset), v (DatasetVersion) and c (the CONSUMED_BY edge).
var runDatasetFields = map[string]string{
	"name":    "d.name",
	"digest":  "v.digest",
	"context": "c.context",
}

// RunDatasetField reports whether key is a searchable dataset field.
func RunDatasetField(key string) bool { _, ok := runDatasetFields[key]; return ok }

// Run search bounds, checked again here so a query built by hand is
// bounded too.
const (
	MaxRunSearchComparisons = 100
	MaxRunSearchDepth       = 20
	MaxRunSearchOrder       = 5
	MaxRunSearchExperiments = 100
	// MaxRunSearchPage is the largest page a caller may allow
	// (RunSearch.MaxFirst): the MLflow client's default page, 1,000 runs.
	MaxRunSearchPage = 1000
)

// compiler turns a RunQuery into Cypher text over r and its parameters.
// Only operators and whitelisted property expressions enter the text.
type compiler struct {
	params map[string]any
	n      int
}

func (c *compiler) param(v any) string {
	name := "q" + strconv.Itoa(c.n)
	c.n++
	c.params[name] = v
	return "$" + name
}

var cmpOps = map[RunOp]string{RunOpEq: "=", RunOpNe: "<>", RunOpGt: ">", RunOpGe: ">=", RunOpLt: "<", RunOpLe: "<="}

func (c *compiler) pred(p *RunPredicate, depth int) (string, error) {
	if depth > MaxRunSearchDepth {
		return "", invalid("filter: nested deeper than %d", MaxRunSearchDepth)
	}
	switch {
	case p == nil:
		return "true", nil
	case p.Compare != nil:
		if c.n >= 3*MaxRunSearchComparisons {
			return "", invalid("filter: more than %d comparisons", MaxRunSearchComparisons)
		}
		return c.compare(p.Compare)
	case len(p.And) > 0 || len(p.Or) > 0:
		list, joiner := p.And, " AND "
		if len(p.Or) > 0 {
			list, joiner = p.Or, " OR "
		}
		parts := make([]string, len(list))
		for i, q := range list {
			s, err := c.pred(q, depth+1)
			if err != nil {
				return "", err
			}
			parts[i] = s
		}
		return "(" + strings.Join(parts, joiner) + ")", nil
	}
	return "", invalid("filter: empty predicate")
}

// likeRegex turns a SQL LIKE pattern into an anchored regular expression
// (Cypher's =~ matches the whole string).
func likeRegex(pat string, fold bool) string {
	var b strings.Builder
	b.WriteString("(?s)")
	if fold {
		b.WriteString("(?i)")
	}
	for _, r := range pat {
		switch r {
		case '%':
			b.WriteString(".*")
		case '_':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	return b.String()
}

// strTest returns the Cypher test of expression x against a string
// comparison, or an error for an operator strings do not take.
func (c *compiler) strTest(x string, cmp *RunCompare) (string, error) {
	switch cmp.Op {
	case RunOpEq, RunOpNe:
		return x + " " + cmpOps[cmp.Op] + " " + c.param(cmp.Str), nil
	case RunOpLike, RunOpILike:
		return x + " =~ " + c.param(likeRegex(cmp.Str, cmp.Op == RunOpILike)), nil
	case RunOpIn:
		return x + " IN " + c.param(cmp.Strs), nil
	case RunOpNotIn:
		return "NOT " + x + " IN " + c.param(cmp.Strs), nil
	}
	return "", invalid("filter: operator %s does not apply to %s.%s", cmp.Op, cmp.Entity, errs.Quote(cmp.Key))
}

func (c *compiler) compare(cmp *RunCompare) (string, error) {
	switch cmp.Entity {
	case RunEntityMetric:
		op, ok := cmpOps[cmp.Op]
		if !ok {
			return "", invalid("filter: operator %s does not apply to metrics", cmp.Op)
		}
		return "EXISTS { MATCH (r)-[:HAS_METRIC]->(m:Metric {key: " + c.param(cmp.Key) + "}) WHERE m.latestValue " + op + " " + c.param(cmp.Number) + " }", nil
	case RunEntityParam, RunEntityTag:
		keys, values := "r.paramKeys", "r.paramValues"
		if cmp.Entity == RunEntityTag {
			keys, values = "r.tagKeys", "r.tagValues"
		}
		k := c.param(cmp.Key)
		switch cmp.Op {
		case RunOpIsNull:
			return "NOT " + k + " IN coalesce(" + keys + ", [])", nil
		case RunOpIsNotNull:
			return k + " IN coalesce(" + keys + ", [])", nil
		}
		test, err := c.strTest(values+"[i]", cmp)
		if err != nil {
			return "", err
		}
		return "any(i IN range(0, size(coalesce(" + keys + ", [])) - 1) WHERE " + keys + "[i] = " + k + " AND " + test + ")", nil
	case RunEntityAttribute:
		a, ok := runAttributes[cmp.Key]
		if !ok {
			return "", invalid("filter: unknown attribute %s", errs.Quote(cmp.Key))
		}
		if a.numeric {
			op, ok := cmpOps[cmp.Op]
			if !ok {
				return "", invalid("filter: operator %s does not apply to attributes.%s", cmp.Op, cmp.Key)
			}
			return a.expr + " " + op + " " + c.param(cmp.Number), nil
		}
		return c.strTest(a.expr, cmp)
	case RunEntityDataset:
		x, ok := runDatasetFields[cmp.Key]
		if !ok {
			return "", invalid("filter: unknown dataset field %s", errs.Quote(cmp.Key))
		}
		test, err := c.strTest(x, cmp)
		if err != nil {
			return "", err
		}
		return "EXISTS { MATCH (d:Dataset)-[:HAS_VERSION]->(v:DatasetVersion)-[c:CONSUMED_BY]->(r) WHERE " + test + " }", nil
	}
	return "", invalid("filter: unknown entity %s", errs.Quote(cmp.Entity))
}

// orderExpr returns the fixed Cypher expression of one sort key, with its
// key (if any) as a parameter.
func (c *compiler) orderExpr(o RunSearchOrder) (string, error) {
	switch o.Entity {
	case RunEntityMetric:
		return "head([(r)-[:HAS_METRIC]->(m:Metric {key: " + c.param(o.Key) + "}) | m.latestValue])", nil
	case RunEntityParam:
		return "head([i IN range(0, size(coalesce(r.paramKeys, [])) - 1) WHERE r.paramKeys[i] = " + c.param(o.Key) + " | r.paramValues[i]])", nil
	case RunEntityTag:
		return "head([i IN range(0, size(coalesce(r.tagKeys, [])) - 1) WHERE r.tagKeys[i] = " + c.param(o.Key) + " | r.tagValues[i]])", nil
	case RunEntityAttribute:
		if a, ok := runAttributes[o.Key]; ok {
			return a.expr, nil
		}
		return "", invalid("orderBy: unknown attribute %s", errs.Quote(o.Key))
	}
	return "", invalid("orderBy: cannot order by %s", errs.Quote(o.Entity))
}

// SearchRuns returns one page of the experiment runs of in.ProjectKey that
// match in.Query, sorted by in.Order then run ID, with keyset cursors.
// A project outside in.Scope yields an empty page, never an error that
// would tell it exists.
func (s *Store) SearchRuns(ctx context.Context, in RunSearch) (Conn[*Run], error) {
	if !in.Scope.Allows(in.ProjectKey) {
		return Conn[*Run]{Items: []*Run{}, Cursors: []string{}}, nil
	}
	if len(in.ExperimentIDs) > MaxRunSearchExperiments {
		return Conn[*Run]{}, invalid("experimentIds: at most %d, got %d", MaxRunSearchExperiments, len(in.ExperimentIDs))
	}
	for _, id := range in.ExperimentIDs {
		if err := checkID("experimentIds", id, KindExperiment); err != nil {
			return Conn[*Run]{}, err
		}
	}
	order := in.Order
	if len(order) == 0 {
		order = []RunSearchOrder{{Entity: RunEntityAttribute, Key: "start_time", Desc: true}}
	}
	if len(order) > MaxRunSearchOrder {
		return Conn[*Run]{}, invalid("orderBy: at most %d keys, got %d", MaxRunSearchOrder, len(order))
	}
	listKey, _ := json.Marshal(order)
	list := "runsearch:" + string(listKey)
	limit, cur, err := in.Page.limitUpTo(list, min(max(in.MaxFirst, MaxPageSize), MaxRunSearchPage))
	if err != nil {
		return Conn[*Run]{}, err
	}
	c := &compiler{params: map[string]any{}}
	where := "true"
	if in.Query != nil && in.Query.Where != nil {
		if where, err = c.pred(in.Query.Where, 0); err != nil {
			return Conn[*Run]{}, err
		}
	}
	var cursorVals []any
	if cur != nil {
		vs, ok := cur.V.([]any)
		if !ok || len(vs) != len(order) {
			return Conn[*Run]{}, invalid("after: %s is not a cursor from this list", errs.Quote(in.Page.After))
		}
		cursorVals = vs
	}
	var with, by []string
	after := "true"
	idDir, idCmp := "ASC", ">"
	if order[len(order)-1].Desc {
		idDir, idCmp = "DESC", "<"
	}
	// Keyset: (k0 IS NULL, k0, k1 IS NULL, k1, …, id) strictly after the cursor.
	var ors []string
	var eqs []string
	for i, o := range order {
		x, err := c.orderExpr(o)
		if err != nil {
			return Conn[*Run]{}, err
		}
		col := "o" + strconv.Itoa(i)
		with = append(with, x+" AS "+col)
		key := "x.k[" + strconv.Itoa(i) + "]"
		dir, cmp := "ASC", ">"
		if o.Desc {
			dir, cmp = "DESC", "<"
		}
		by = append(by, col+" IS NULL", col+" "+dir)
		if cursorVals != nil {
			p := c.param(cursorVals[i])
			ors = append(ors, "("+strings.Join(append(slicesClone(eqs), "("+p+" IS NOT NULL AND ("+key+" IS NULL OR "+key+" "+cmp+" "+p+"))"), " AND ")+")")
			eqs = append(eqs, "(("+key+" IS NULL AND "+p+" IS NULL) OR "+key+" = "+p+")")
		}
	}
	if cursorVals != nil {
		ors = append(ors, "("+strings.Join(append(eqs, "x.r.id "+idCmp+" "+c.param(cur.ID)), " AND ")+")")
		after = strings.Join(ors, " OR ")
	}
	// Both starts are index seeks: experiments by project, runs by
	// experiment; a run's project is checked again on the run itself.
	match := `MATCH (:Experiment {projectKey: $pk})-[:HAS_RUN]->(r:Run) WHERE r.projectKey = $pk`
	if len(in.ExperimentIDs) > 0 {
		match = `MATCH (r:Run) USING INDEX r:Run(experimentId) WHERE r.experimentId IN $eids AND r.projectKey = $pk`
	}
	if d := metricDriver(in.Query); d != nil {
		// A metric range drives the search from the Metric(projectKey, key,
		// latestValue) index: it touches only the project's runs whose
		// metric qualifies instead of every run of the project. The
		// comparison stays in where too.
		c.params["dk"], c.params["dv"] = d.Key, d.Number
		match = `MATCH (dm:Metric {projectKey: $pk, key: $dk}) WHERE dm.latestValue ` + cmpOps[d.Op] + ` $dv
		  MATCH (r:Run)-[:HAS_METRIC]->(dm) WHERE r.projectKey = $pk AND r.experimentId IS NOT NULL
		    AND (size($eids) = 0 OR r.experimentId IN $eids)`
	}
	eids := in.ExperimentIDs
	if eids == nil {
		eids = []string{}
	}
	stage, err := in.Lifecycle.param()
	if err != nil {
		return Conn[*Run]{}, err
	}
	c.params["pk"], c.params["eids"], c.params["limit"], c.params["lifecycle"] = in.ProjectKey, eids, limit, stage
	cols := make([]string, len(order))
	for i := range order {
		cols[i] = "o" + strconv.Itoa(i)
	}
	// One pass over the matches gives both the total and the page: the
	// matches are sorted once, and the page is the first $limit of them
	// after the cursor.
	cypher := match + ` AND ` + lifecycleWhere("r") + ` AND ` + where + `
		WITH r, ` + strings.Join(with, ", ") + `
		ORDER BY ` + strings.Join(by, ", ") + `, r.id ` + idDir + `
		WITH collect({r: r, k: [` + strings.Join(cols, ", ") + `]}) AS hits
		WITH size(hits) AS total, [x IN hits WHERE ` + after + `][0..$limit] AS page
		RETURN total, [x IN page | properties(x.r)] AS items, [x IN page | x.k] AS keys`
	return read(ctx, s, func(tx *txn) (Conn[*Run], error) {
		rec, err := tx.single(cypher, c.params)
		if err != nil {
			return Conn[*Run]{}, fmt.Errorf("search runs: %w", err)
		}
		ks, _, err := neo4j.GetRecordValue[[]any](rec, "keys")
		if err != nil {
			return Conn[*Run]{}, fmt.Errorf("decode keys: %w", err)
		}
		keys := map[string][]any{}
		n := 0
		conn, err := decodeConn(rec, list, func(m map[string]any) (*Run, error) {
			r, err := decodeRun(m)
			if err != nil {
				return nil, err
			}
			var k []any
			if n < len(ks) {
				k, _ = ks[n].([]any)
			}
			n++
			for i, v := range k {
				if f, ok := v.(float64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
					k[i] = nil // JSON cannot carry it; the next page restarts at the nulls
				}
			}
			keys[r.ID] = k
			return r, nil
		}, limit-1, func(r *Run) (any, string) { return keys[r.ID], r.ID })
		return conn, err
	})
}

// metricDriver returns the metric comparison every match must satisfy
// (the filter itself, or one of a top-level AND) that an index range can
// serve, or nil.
func metricDriver(q *RunQuery) *RunCompare {
	if q == nil || q.Where == nil {
		return nil
	}
	cands := q.Where.And
	if q.Where.Compare != nil {
		cands = []*RunPredicate{q.Where}
	}
	for _, p := range cands {
		if c := p.Compare; c != nil && c.Entity == RunEntityMetric && c.Op != RunOpNe && cmpOps[c.Op] != "" {
			return c
		}
	}
	return nil
}

func slicesClone(s []string) []string { return append([]string(nil), s...) }
