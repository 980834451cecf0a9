package validation_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/datasource"
	"github.com/exphub/exphub/internal/motoserver"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/quality"
	"github.com/exphub/exphub/internal/store"
	"github.com/exphub/exphub/internal/store/blobs"
	"github.com/exphub/exphub/internal/testwait"
	"github.com/exphub/exphub/internal/validation"
)

// runOn registers a dataset version at uri with a one-rule suite and
// runs it through r, returning the recorded run.
func runOn(t *testing.T, st *store.Store, r *validation.Runner, uri, digest string) *store.ValidationRun {
	t.Helper()
	ctx := t.Context()
	key := neo4jtest.Project(t, st, "sources")
	d, err := st.RegisterDataset(ctx, neo4jtest.Actor, store.RegisterDatasetInput{ProjectKey: key, Namespace: "lake", Name: "orders"})
	if err != nil {
		t.Fatal(err)
	}
	v, _, err := st.RegisterDatasetVersion(ctx, neo4jtest.Actor, store.RegisterDatasetVersionInput{DatasetID: d.ID, Version: "v1", URI: uri, Digest: digest})
	if err != nil {
		t.Fatal(err)
	}
	def, err := validation.ParseDefinition("amounts", `{"rules":[{"type":"not_null","column":"amount"},{"type":"row_count_between","min":2,"max":2}]}`)
	if err != nil {
		t.Fatal(err)
	}
	suite, err := st.CreateValidationSuite(ctx, neo4jtest.Actor, store.CreateValidationSuiteInput{DatasetID: d.ID, Name: "amounts", Definition: def})
	if err != nil {
		t.Fatal(err)
	}
	run, err := r.Submit(ctx, neo4jtest.Actor, suite.ID, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !testwait.Until(time.Minute, func() bool {
		runs, err := st.ValidationRunsByIDs(ctx, []string{run.ID})
		if err != nil {
			t.Fatal(err)
		}
		run = runs[run.ID]
		return run.Status != store.ValidationRunning
	}) {
		t.Fatalf("run %s still RUNNING after a minute", run.ID)
	}
	return run
}

// A contributor may register any URI as a version's data; the hub reads
// only what the operator's allowlist admits, so a version pointing at an
// address of the hub's own network is never fetched.
func TestRemoteSourcesOutsideTheAllowlistAreNeverFetched(t *testing.T) {
	st := neo4jtest.Store(t)
	var hits atomic.Int64
	internal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write([]byte("amount\n1\n2\n"))
	}))
	defer internal.Close()
	allow, err := datasource.ParseAllowlist([]string{"https://data.example.com/lake/"})
	if err != nil {
		t.Fatal(err)
	}
	r := validation.New(st, validation.Options{Remote: datasource.NewOpener(allow, nil, blobs.S3Access{})})
	defer r.Stop()

	run := runOn(t, st, r, internal.URL+"/orders.csv", neo4jtest.Digest('a'))
	if run.Status != store.ValidationError || run.Error == nil || run.Error.Code != string(quality.CodeSource) ||
		!strings.Contains(run.Error.Message, "EXPHUB_VALIDATION_SOURCES") {
		t.Errorf("run on a source outside the allowlist: status %s, error %+v", run.Status, run.Error)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the hub sent %d requests to a source outside the allowlist", n)
	}
}

// Data where it lives: a version whose data is an S3 object is validated
// by the hub, its digest checked as for a local file.
func TestValidatesAnS3Source(t *testing.T) {
	motoserver.Credentials(t) // t.Setenv: not parallel
	srv := motoserver.Start(t)
	bucket := srv.CreateBucket(t, motoserver.BucketName(t))
	access := blobs.S3Access{Endpoint: srv.Endpoint, PathStyle: true}
	data := []byte("id,amount\n1,2.5\n2,\n")
	srv.PutObject(t, bucket, "curated/orders.csv", data)
	sum := sha256.Sum256(data)
	digest := hex.EncodeToString(sum[:])
	allow, err := datasource.ParseAllowlist([]string{"s3://" + bucket + "/curated/"})
	if err != nil {
		t.Fatal(err)
	}
	st := neo4jtest.Store(t)
	r := validation.New(st, validation.Options{Remote: datasource.NewOpener(allow, nil, access)})
	defer r.Stop()

	run := runOn(t, st, r, "s3://"+bucket+"/curated/orders.csv", digest)
	// One amount is missing: not_null fails; the row count passes.
	if run.Status != store.ValidationFailed || run.SHA256 == nil || *run.SHA256 != digest {
		t.Fatalf("run on s3: status %s, sha256 %v, error %+v", run.Status, run.SHA256, run.Error)
	}
	rules, err := validation.Results(run)
	if err != nil || len(rules) != 2 || rules[0].Verdict != "FAILED" || rules[1].Verdict != "PASSED" {
		t.Errorf("rules: %+v (%v)", rules, err)
	}

	// The same object registered under another digest is an integrity
	// error, as a local file would be.
	if run := runOn(t, st, r, "s3://"+bucket+"/curated/orders.csv", neo4jtest.Digest('b')); run.Status != store.ValidationError ||
		run.Error == nil || run.Error.Code != string(quality.CodeIntegrity) {
		t.Errorf("run on s3 with another digest: status %s, error %+v", run.Status, run.Error)
	}
}
