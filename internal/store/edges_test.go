package store_test

import (
	"testing"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

func TestRunEdgesAreIdempotentAndAllOrNothing(t *testing.T) {
	s := neo4jtest.Store(t)
	ctx := t.Context()
	key := newProject(t, s, "edges")
	ds := newDataset(t, s, key, "edges")
	v1, _, err := s.RegisterDatasetVersion(ctx, actor, store.RegisterDatasetVersionInput{DatasetID: ds.ID, Version: "v1", URI: "s3://1", Digest: digest('1')})
	if err != nil {
		t.Fatal(err)
	}
	v2, _, err := s.RegisterDatasetVersion(ctx, actor, store.RegisterDatasetVersionInput{DatasetID: ds.ID, Version: "v2", URI: "s3://2", Digest: digest('2')})
	if err != nil {
		t.Fatal(err)
	}
	mv, err := s.RegisterModelVersion(ctx, actor, store.RegisterModelVersionInput{ProjectKey: key, ModelName: "m", URI: "s3://m"})
	if err != nil {
		t.Fatal(err)
	}
	edges := func(t *testing.T, runID string) (in, out int64) {
		t.Helper()
		p := map[string]any{"id": runID}
		return neo4jtest.Count(t, `MATCH (:Run {id: $id})<-[e:CONSUMED_BY]-() RETURN count(e) AS n`, p),
			neo4jtest.Count(t, `MATCH (:Run {id: $id})-[e:PRODUCED]->() RETURN count(e) AS n`, p)
	}
	cases := []struct {
		name            string
		call            func(runID string) error
		wantErr         error
		wantIn, wantOut int64
	}{
		{"inputs", func(id string) error { _, err := s.AddRunInputs(ctx, actor, id, []string{v1.ID, v2.ID}); return err }, nil, 2, 0},
		{"inputs twice", func(id string) error {
			if _, err := s.AddRunInputs(ctx, actor, id, []string{v1.ID}); err != nil {
				return err
			}
			_, err := s.AddRunInputs(ctx, actor, id, []string{v1.ID, v1.ID})
			return err
		}, nil, 1, 0},
		{"outputs twice", func(id string) error {
			if _, err := s.AddRunOutputs(ctx, actor, id, []string{v2.ID}, []string{mv.ID}); err != nil {
				return err
			}
			_, err := s.AddRunOutputs(ctx, actor, id, []string{v2.ID}, []string{mv.ID})
			return err
		}, nil, 0, 2},
		{"input known then unknown", func(id string) error {
			_, err := s.AddRunInputs(ctx, actor, id, []string{v1.ID, unknownID("dsv_")})
			return err
		}, errs.NotFound, 0, 0},
		{"outputs with unknown model version", func(id string) error {
			_, err := s.AddRunOutputs(ctx, actor, id, []string{v1.ID}, []string{unknownID("mv_")})
			return err
		}, errs.NotFound, 0, 0},
		{"model version given as dataset version", func(id string) error {
			_, err := s.AddRunOutputs(ctx, actor, id, []string{mv.ID}, nil)
			return err
		}, errs.Invalid, 0, 0},
		{"no outputs", func(id string) error { _, err := s.AddRunOutputs(ctx, actor, id, nil, nil); return err }, errs.Invalid, 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newExperiment(t, s, newProject(t, s, "edges"))
			r, err := s.StartRun(ctx, actor, store.StartRunInput{ExperimentID: e.ID})
			if err != nil {
				t.Fatal(err)
			}
			err = c.call(r.ID)
			if c.wantErr != nil {
				wantErr(t, err, c.wantErr)
			} else if err != nil {
				t.Fatal(err)
			}
			if in, out := edges(t, r.ID); in != c.wantIn || out != c.wantOut {
				t.Fatalf("run has %d inputs and %d outputs, want %d and %d", in, out, c.wantIn, c.wantOut)
			}
		})
	}
}
