package api_test

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
	"github.com/exphub/exphub/internal/testwait"
)

// ordersCSV has one amount out of [0, 100] (row 3) and a null id (row 4).
const ordersCSV = "id,amount,status\n1,10,new\n2,20,paid\n3,250,lost\n,30,new\n"

const ordersSuite = `
rules:
  - type: not_null
    column: id
    severity: warn
  - type: value_between
    column: amount
    min: 0
    max: 100
  - type: row_count_between
    min: 1
`

// writeData writes content to a file in a temporary directory and returns
// its path and sha256.
func writeData(t *testing.T, name, content string) (string, string) {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(content))
	return p, hex.EncodeToString(sum[:])
}

// newDataset registers a dataset in a fresh project.
func newDataset(t *testing.T, st *store.Store, prefix string) (string, *store.Dataset) {
	t.Helper()
	key := neo4jtest.Key(t, prefix)
	if _, err := st.CreateProject(t.Context(), "alice", store.CreateProjectInput{Key: key, Name: key}); err != nil {
		t.Fatal(err)
	}
	d, err := st.RegisterDataset(t.Context(), "alice", store.RegisterDatasetInput{ProjectKey: key, Namespace: "file://" + key, Name: "orders"})
	if err != nil {
		t.Fatal(err)
	}
	return key, d
}

func registerVersion(t *testing.T, st *store.Store, d *store.Dataset, label, uri, digest string, derivedFrom ...string) *store.DatasetVersion {
	t.Helper()
	v, _, err := st.RegisterDatasetVersion(t.Context(), "alice", store.RegisterDatasetVersionInput{DatasetID: d.ID, Version: label, URI: uri,
		Digest: digest, DerivedFrom: derivedFrom})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

type ruleResult struct {
	Index             int
	Type              string
	Column            *string
	Severity          string
	Verdict           string
	Observed          any
	ElementCount      int
	UnexpectedCount   int
	UnexpectedPercent *float64
	UnexpectedSample  []map[string]any
	Message           *string
}

type validationRun struct {
	ID           string
	Status       string
	Engine       string
	SuiteName    string
	SuiteVersion *int
	RowCount     *int
	Sha256       *string
	FinishedAt   *string
	Error        *struct {
		Code, Message string
	}
	Statistics *struct{ Evaluated, Passed, Failed, Errored int }
	Results    []ruleResult
}

const runFields = `id status engine suiteName suiteVersion rowCount sha256 finishedAt error { code message }
	statistics { evaluated passed failed errored }
	results { index type column severity verdict observed elementCount unexpectedCount unexpectedPercent unexpectedSample message }`

// awaitRun reads node(id) until the run is no longer RUNNING.
func awaitRun(t *testing.T, h *hub, tok, id string) validationRun {
	t.Helper()
	read := func() validationRun {
		var out struct{ Node validationRun }
		h.gql(t, tok, `query($id: ID!) { node(id: $id) { ... on ValidationRun { `+runFields+` } } }`, map[string]any{"id": id}).ok(t, &out)
		return out.Node
	}
	ended := testwait.Until(time.Minute, func() bool {
		run := read()
		return run.Status != "RUNNING" && run.FinishedAt != nil
	})
	if !ended {
		t.Fatalf("run %s still RUNNING after a minute", id)
	}
	// Neo4j reads are read-committed, not snapshots: a read racing the
	// result's commit can see some of its properties before others. Read
	// the run again once it is seen finished.
	return read()
}

// createSuite creates a suite through the API and returns its ID.
func createSuite(t *testing.T, h *hub, tok, datasetID, name, definition string) string {
	t.Helper()
	var out struct {
		CreateValidationSuite struct{ ValidationSuite struct{ ID string } }
	}
	h.gql(t, tok, `mutation($d: ID!, $n: String!, $def: String!) {
		createValidationSuite(input: {datasetId: $d, name: $n, definition: $def}) { validationSuite { id } } }`,
		map[string]any{"d": datasetID, "n": name, "def": definition}).ok(t, &out)
	return out.CreateValidationSuite.ValidationSuite.ID
}

// runValidation starts a run through the API and returns its ID.
func runValidation(t *testing.T, h *hub, tok, suiteID, versionID string) string {
	t.Helper()
	var out struct {
		RunValidation struct{ ValidationRun struct{ ID, Status string } }
	}
	h.gql(t, tok, `mutation($s: ID!, $v: ID!) { runValidation(input: {suiteId: $s, datasetVersionId: $v}) { validationRun { id status } } }`,
		map[string]any{"s": suiteID, "v": versionID}).ok(t, &out)
	if out.RunValidation.ValidationRun.Status != "RUNNING" {
		t.Fatalf("runValidation returned %+v, want a RUNNING run", out.RunValidation.ValidationRun)
	}
	return out.RunValidation.ValidationRun.ID
}
