package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/exphub/exphub/internal/errs"
)

// RunFilter narrows a run list.
type RunFilter struct {
	Statuses     []RunStatus
	NameContains string
	Param        *KeyValue
}

// RunOrderField is what a run list is sorted by.
type RunOrderField string

// Run sort fields.
const (
	RunOrderStartedAt RunOrderField = "STARTED_AT"
	RunOrderName      RunOrderField = "NAME"
)

// RunOrder sorts a run list.
type RunOrder struct {
	Field RunOrderField
	Desc  bool
}

// RunListKey identifies one page of one experiment's runs; it is the key a
// dataloader batches on, so it is comparable.
type RunListKey struct {
	ExperimentID string
	Statuses     string // comma-joined, so the key stays comparable
	NameContains string
	ParamKey     string
	ParamValue   string
	HasParam     bool
	Order        RunOrder
	First        int
	After        string
}

// NewRunListKey builds the batch key for a run list.
func NewRunListKey(experimentID string, f RunFilter, o RunOrder, page Page) RunListKey {
	if o.Field == "" {
		o = RunOrder{Field: RunOrderStartedAt, Desc: true}
	}
	st := make([]string, len(f.Statuses))
	for i, s := range f.Statuses {
		st[i] = string(s)
	}
	k := RunListKey{ExperimentID: experimentID, Statuses: strings.Join(st, ","), NameContains: f.NameContains, Order: o, First: page.First, After: page.After}
	if f.Param != nil {
		k.ParamKey, k.ParamValue, k.HasParam = f.Param.Key, f.Param.Value, true
	}
	return k
}

// runListQueries holds the statement for each sort order. The order
// expression comes from this table, never from a request.
var runListQueries = func() map[RunOrder]string {
	const q = `
		UNWIND $experimentIds AS eid
		CALL {
		  WITH eid
		  MATCH (r:Run {experimentId: eid})
		  WHERE (size($statuses) = 0 OR r.status IN $statuses)
		    AND ($name IS NULL OR toLower(r.name) CONTAINS toLower($name))
		    AND ($paramKey IS NULL OR any(i IN range(0, size(r.paramKeys) - 1) WHERE r.paramKeys[i] = $paramKey AND r.paramValues[i] = $paramValue))
		  RETURN count(r) AS total
		}
		CALL {
		  WITH eid
		  MATCH (r:Run {experimentId: eid})
		  WHERE (size($statuses) = 0 OR r.status IN $statuses)
		    AND ($name IS NULL OR toLower(r.name) CONTAINS toLower($name))
		    AND ($paramKey IS NULL OR any(i IN range(0, size(r.paramKeys) - 1) WHERE r.paramKeys[i] = $paramKey AND r.paramValues[i] = $paramValue))
		    AND ($afterId IS NULL OR %s)
		  WITH r ORDER BY %s LIMIT $limit
		  RETURN collect(r{.*}) AS items
		}
		RETURN eid, total, items`
	return map[RunOrder]string{
		{RunOrderStartedAt, true}:  fmt.Sprintf(q, "r.id < $afterId", "r.id DESC"),
		{RunOrderStartedAt, false}: fmt.Sprintf(q, "r.id > $afterId", "r.id ASC"),
		{RunOrderName, true}:       fmt.Sprintf(q, "(r.name < $afterV OR (r.name = $afterV AND r.id < $afterId))", "r.name DESC, r.id DESC"),
		{RunOrderName, false}:      fmt.Sprintf(q, "(r.name > $afterV OR (r.name = $afterV AND r.id > $afterId))", "r.name ASC, r.id ASC"),
	}
}()

// RunLists returns one page of runs for each key, in one round-trip per
// distinct filter/order/page among the keys. Results are in key order.
func (s *Store) RunLists(ctx context.Context, keys []RunListKey) ([]Conn[*Run], error) {
	type group struct {
		proto RunListKey
		idx   []int
	}
	groups := map[RunListKey]*group{}
	var order []RunListKey
	for i, k := range keys {
		g := k
		g.ExperimentID = ""
		if groups[g] == nil {
			groups[g] = &group{proto: k}
			order = append(order, g)
		}
		groups[g].idx = append(groups[g].idx, i)
	}
	out := make([]Conn[*Run], len(keys))
	for _, gk := range order {
		g := groups[gk]
		ids := make([]string, len(g.idx))
		for j, i := range g.idx {
			ids[j] = keys[i].ExperimentID
		}
		conns, err := s.runLists(ctx, g.proto, ids)
		if err != nil {
			return nil, err
		}
		for j, i := range g.idx {
			out[i] = conns[ids[j]]
		}
	}
	return out, nil
}

func (s *Store) runLists(ctx context.Context, k RunListKey, experimentIDs []string) (map[string]Conn[*Run], error) {
	list := fmt.Sprintf("runs:%s:%t", k.Order.Field, k.Order.Desc)
	limit, after, err := Page{First: k.First, After: k.After}.limit(list)
	if err != nil {
		return nil, err
	}
	q, ok := runListQueries[k.Order]
	if !ok {
		return nil, invalid("orderBy: unknown order %v", k.Order)
	}
	if err := (NameFilter{NameContains: k.NameContains}).check(); err != nil {
		return nil, err
	}
	if k.HasParam {
		if err := checkText("filter.param.key", k.ParamKey, MaxNameLen, true); err != nil {
			return nil, err
		}
		if err := checkText("filter.param.value", k.ParamValue, MaxParamValueLen, false); err != nil {
			return nil, err
		}
	}
	statuses := []string{}
	if k.Statuses != "" {
		statuses = strings.Split(k.Statuses, ",")
	}
	params := map[string]any{
		"experimentIds": experimentIDs, "statuses": statuses, "name": nilIfEmpty(k.NameContains),
		"paramKey": nil, "paramValue": nil, "afterId": afterID(after), "afterV": nil, "limit": limit,
	}
	if k.HasParam {
		params["paramKey"], params["paramValue"] = k.ParamKey, k.ParamValue
	}
	if after != nil && k.Order.Field == RunOrderName {
		name, ok := after.V.(string)
		if !ok {
			return nil, invalid("after: %s is not a cursor from this list", errs.Quote(k.After))
		}
		params["afterV"] = name
	}
	key := func(r *Run) (any, string) { return nil, r.ID }
	if k.Order.Field == RunOrderName {
		key = func(r *Run) (any, string) { return r.Name, r.ID }
	}
	return read(ctx, s, func(tx *txn) (map[string]Conn[*Run], error) {
		recs, err := tx.run(q, params)
		if err != nil {
			return nil, err
		}
		out := make(map[string]Conn[*Run], len(recs))
		for _, rec := range recs {
			eid, err := recStr(rec, "eid")
			if err != nil {
				return nil, err
			}
			c, err := decodeConn(rec, list, decodeRun, limit-1, key)
			if err != nil {
				return nil, err
			}
			out[eid] = c
		}
		return out, nil
	})
}
