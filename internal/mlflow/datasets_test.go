package mlflow

import (
	"errors"
	"testing"

	"github.com/exphub/exphub/internal/errs"
)

func TestInput(t *testing.T) {
	cases := []struct {
		name       string
		in         DatasetInput
		ns, dsName string
	}{
		{"s3", DatasetInput{Name: "train", Digest: "d1", SourceType: "s3", Source: `{"uri": "s3://bucket/data/train.csv"}`}, "s3://bucket", "data/train.csv"},
		{"local path", DatasetInput{Name: "f", Digest: "d2", SourceType: "local", Source: `{"uri": "/data/features.npy"}`}, "file", "/data/features.npy"},
		{"file URI", DatasetInput{Name: "f", Digest: "d2", SourceType: "local", Source: `{"uri": "file:///data/x.csv"}`}, "file", "/data/x.csv"},
		{"http", DatasetInput{Name: "h", Digest: "d3", SourceType: "http", Source: `{"uri": "https://example.com/a/b.csv"}`}, "https://example.com", "a/b.csv"},
		{"code", DatasetInput{Name: "dataset", Digest: "d4", SourceType: "code", Source: `{"tags": {"mlflow.user": "root"}}`}, "mlflow:code", "dataset"},
		{"no name", DatasetInput{Digest: "d5", SourceType: "code"}, "mlflow:code", "d5"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Input(tc.in)
			if err != nil || got.Namespace != tc.ns || got.Name != tc.dsName || got.Digest != tc.in.Digest {
				t.Fatalf("Input = %+v, %v; want %s %s", got, err, tc.ns, tc.dsName)
			}
		})
	}
	got, err := Input(DatasetInput{Name: "t", Digest: "d", Schema: `{"mlflow_colspec": [{"type": "double", "name": "x", "required": true}, {"type": "string", "name": "s", "required": false}]}`,
		Profile: `{"num_rows": 3, "num_elements": 9}`})
	if err != nil || len(got.SchemaFields) != 2 || got.SchemaFields[1].Nullable != true || got.SchemaFields[0].Nullable || got.RowCount == nil || *got.RowCount != 3 {
		t.Errorf("schema and profile = %+v, %v", got, err)
	}
	if _, err := Input(DatasetInput{Name: "t"}); !errors.Is(err, errs.Invalid) {
		t.Errorf("no digest: %v", err)
	}
}
