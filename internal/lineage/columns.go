package lineage

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/exphub/exphub/internal/access"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/store"
)

// DefaultColumnDepth is how many hops a column lineage request walks when
// it does not say. Its maxNodes defaults to DefaultMaxNodes; both have the
// maxima of a lineage request (MaxDepth, MaxNodes).
const DefaultColumnDepth = 5

// ColumnRequest asks for the column lineage around one column of a
// dataset version.
type ColumnRequest struct {
	VersionID, Column string
	// Direction is the way the walk goes; empty is store.Both.
	Direction store.Direction
	// Depth and MaxNodes, when nil, are DefaultColumnDepth and
	// DefaultMaxNodes.
	Depth, MaxNodes *int
}

// Check fills in r's defaults and checks its bounds as Request.Check does:
// errs.Invalid naming the argument for a depth outside 0..MaxDepth or a
// maxNodes outside 1..MaxNodes.
func (r ColumnRequest) Check() (Bounds, error) {
	depth, maxNodes := DefaultColumnDepth, DefaultMaxNodes
	if r.Depth != nil {
		depth = *r.Depth
	}
	if r.MaxNodes != nil {
		maxNodes = *r.MaxNodes
	}
	return Request{Depth: &depth, MaxNodes: &maxNodes}.Check()
}

// ColumnGraph is the column lineage around one column.
type ColumnGraph struct {
	// Root is the ID of the column the walk started from.
	Root string
	// Nodes are the root first, then nearest first.
	Nodes []ColumnNode
	// Edges point from the input column to the column derived from it,
	// sorted by From then To.
	Edges     []ColumnEdge
	Truncated bool
	// ModelVersions were trained by runs that read the root's version or
	// that of a column reached downstream (see store.ColumnWalk).
	ModelVersions []*store.ModelVersion
}

// ColumnNode is one column of a column lineage graph.
type ColumnNode struct {
	ID, VersionID, Name string
	Distance            int
}

// ColumnEdge is an input column feeding an output column.
type ColumnEdge struct {
	From, To        string
	Transformations []Transformation
}

// Transformation is one entry of OpenLineage's columnLineage
// transformations: how an output column was made of an input column.
type Transformation struct {
	Type                 string
	Subtype, Description *string
	Masking              bool
}

// Transformations decodes the JSON array of transformations a column edge
// keeps ("" is none). Empty subtypes and descriptions are absent.
func Transformations(text string) ([]Transformation, error) {
	out := []Transformation{}
	if text == "" {
		return out, nil
	}
	var raw []struct {
		Type        string `json:"type"`
		Subtype     string `json:"subtype"`
		Description string `json:"description"`
		Masking     bool   `json:"masking"`
	}
	if err := json.Unmarshal([]byte(text), &raw); err != nil {
		return nil, fmt.Errorf("decode column transformations: %w", err)
	}
	for _, t := range raw {
		tr := Transformation{Type: t.Type, Masking: t.Masking}
		if t.Subtype != "" {
			tr.Subtype = &t.Subtype
		}
		if t.Description != "" {
			tr.Description = &t.Description
		}
		out = append(out, tr)
	}
	return out, nil
}

// ColumnGraphOf makes the graph a caller gets of column walk w: its
// columns in walk order (the root first, nearest first), the edges among
// them with their transformations decoded, and whether the walk was cut
// (by the budget, or with more beyond the depth bound). It does not change
// w.
func ColumnGraphOf(w *store.ColumnWalk) (*ColumnGraph, error) {
	g := &ColumnGraph{Nodes: make([]ColumnNode, 0, len(w.Columns)), Edges: make([]ColumnEdge, 0, len(w.Feeds)),
		Truncated: w.Cut || w.More, ModelVersions: w.ModelVersions}
	if g.ModelVersions == nil {
		g.ModelVersions = []*store.ModelVersion{}
	}
	if len(w.Columns) > 0 {
		g.Root = w.Columns[0].ID
	}
	for _, c := range w.Columns {
		g.Nodes = append(g.Nodes, ColumnNode{ID: c.ID, VersionID: c.VersionID, Name: c.Name, Distance: c.Distance})
	}
	for _, f := range w.Feeds {
		ts, err := Transformations(f.Transformations)
		if err != nil {
			return nil, err
		}
		g.Edges = append(g.Edges, ColumnEdge{From: f.From, To: f.To, Transformations: ts})
	}
	return g, nil
}

// ColumnLineage walks column lineage from req.Column of req.VersionID as p
// sees it: each column once, at its shortest distance, nearest first, at
// most maxNodes; columns of projects p may not read are neither returned
// nor walked through, and the model versions are those p may read,
// trained by runs p may read. It returns errs.NotFound when the version
// does not exist or p may not read it, or when the column has no lineage,
// and errs.Invalid for bounds above the maxima.
func (s *Service) ColumnLineage(ctx context.Context, p *auth.Principal, req ColumnRequest) (*ColumnGraph, error) {
	if p == nil {
		return nil, errs.Unauthenticated
	}
	b, err := req.Check()
	if err != nil {
		return nil, err
	}
	w, err := s.store.ColumnLineageWalk(ctx, store.ColumnWalkRequest{VersionID: req.VersionID, Column: req.Column, Direction: req.Direction,
		Depth: b.Depth, Budget: b.MaxNodes, Scope: access.Scope(p)})
	if err != nil {
		return nil, err
	}
	return ColumnGraphOf(w)
}
