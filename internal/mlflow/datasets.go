package mlflow

import (
	"encoding/json"

	"github.com/exphub/exphub/internal/catalog"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/store"
)

// DatasetInput is one dataset of MLflow's runs/log-inputs, with MLflow's
// fields as it sent them (source, schema and profile are JSON texts).
type DatasetInput struct {
	Name, Digest, SourceType, Source, Schema, Profile string
	Tags                                              []store.KeyValue
}

// Input maps an MLflow dataset onto the hub's: the Dataset is named the
// OpenLineage way from MLflow's source URI (s3://bucket/data/train.csv is
// namespace "s3://bucket", name "data/train.csv"; a local path is
// namespace "file", the path its name); a source without a URI (code,
// a DataFrame built in memory) is namespace "mlflow:<source_type>" and the
// MLflow dataset name. The version is labelled with MLflow's digest, and
// the schema (mlflow_colspec) and row count (profile num_rows) are read
// when present.
func Input(d DatasetInput) (store.MLflowInput, error) {
	if d.Digest == "" {
		return store.MLflowInput{}, errs.Invalidf("dataset %s: digest is required", errs.Quote(d.Name))
	}
	in := store.MLflowInput{Digest: d.Digest, DatasetName: d.Name, SourceType: d.SourceType, Source: d.Source,
		Schema: d.Schema, Profile: d.Profile, Tags: d.Tags}
	var src struct {
		URI string `json:"uri"`
	}
	if d.Source != "" && json.Unmarshal([]byte(d.Source), &src) == nil && src.URI != "" {
		in.URI = src.URI
		in.Namespace, in.Name = catalog.Identity(src.URI)
	}
	if in.Name == "" {
		kind := d.SourceType
		if kind == "" {
			kind = "unknown"
		}
		in.Namespace, in.Name = "mlflow:"+kind, d.Name
		if in.Name == "" {
			in.Name = d.Digest
		}
	}
	var schema struct {
		Cols []struct {
			Name     string `json:"name"`
			Type     string `json:"type"`
			Required *bool  `json:"required"`
		} `json:"mlflow_colspec"`
	}
	if d.Schema != "" && json.Unmarshal([]byte(d.Schema), &schema) == nil {
		for _, c := range schema.Cols {
			if c.Name == "" || c.Type == "" {
				continue
			}
			in.SchemaFields = append(in.SchemaFields, store.SchemaField{Name: c.Name, Type: c.Type, Nullable: c.Required != nil && !*c.Required})
		}
	}
	var profile struct {
		Rows *int64 `json:"num_rows"`
	}
	if d.Profile != "" && json.Unmarshal([]byte(d.Profile), &profile) == nil && profile.Rows != nil && *profile.Rows >= 0 {
		in.RowCount = profile.Rows
	}
	return in, nil
}
