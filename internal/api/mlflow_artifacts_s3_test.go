package api_test

import (
	"bytes"
	"io"
	"math/rand/v2"
	"net/http"
	"testing"

	"github.com/exphub/exphub/internal/api"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/mlflow"
	"github.com/exphub/exphub/internal/motoserver"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
	"github.com/exphub/exphub/internal/store/blobs"
)

// TestMLflowArtifactsS3: the artifact proxy with its bytes in an S3 bucket
// on a real S3-compatible server (moto, started here): a file of several
// multipart-upload parts goes up through PUT and comes back whole through
// GET, stored at its content address; an oversize one is refused and
// stored nowhere.
func TestMLflowArtifactsS3(t *testing.T) {
	motoserver.Credentials(t) // t.Setenv: not parallel
	srv := motoserver.Start(t)
	bucket := srv.CreateBucket(t, motoserver.BucketName(t))
	const maxFile = 12 << 20
	b, err := blobs.NewS3(t.Context(), blobs.S3Config{Root: "s3://" + bucket + "/hub", Endpoint: srv.Endpoint, PathStyle: true, PartSize: 5 << 20})
	if err != nil {
		t.Fatal(err)
	}

	st := neo4jtest.Store(t)
	key := neo4jtest.Key(t, "mls")
	must(st.CreateProject(ctxT(t), owner, store.CreateProjectInput{Key: key, Name: "MLflow " + key})).of(t)
	h := newHub(t, func(o *api.Options) {
		o.Store = st
		o.MLflow = mlflow.Config{DefaultProject: key}
		o.Artifacts = mlflow.ArtifactsConfig{Blobs: b, MaxFileBytes: maxFile}
	})
	w := &artifactsWorld{st: st, mlflowWorld: &mlflowWorld{h: h, key: key,
		contributor: token(t, "mls-alice", map[string]auth.Role{key: auth.RoleContributor}),
		viewer:      token(t, "mls-victor", map[string]auth.Role{key: auth.RoleViewer})}}
	root, runID := w.runPath(t, w.contributor, "s3-artifacts")

	weights := make([]byte, 11<<20+333) // three parts of 5 MiB, the last short
	rand.NewChaCha8([32]byte{7}).Read(weights)
	if r := w.put(t, w.contributor, root+"/model/weights.bin", weights); r.Status != http.StatusOK {
		t.Fatalf("PUT = %d %s", r.Status, r.Body)
	}
	r := w.send(t, w.viewer, http.MethodGet, "/api/2.0/mlflow-artifacts/artifacts/"+root+"/model/weights.bin", nil, 0)
	if r.Status != http.StatusOK || !bytes.Equal(r.Body, weights) {
		t.Fatalf("GET = %d, %d bytes back of %d", r.Status, len(r.Body), len(weights))
	}
	arts := must(w.st.ArtifactsOf(ctxT(t), store.ArtifactOwner{Kind: store.ArtifactOfRun, ID: runID})).of(t)
	if len(arts) != 1 || arts[0].SHA256 != sha256Hex(weights) || arts[0].Size != int64(len(weights)) {
		t.Fatalf("artifacts in the graph = %+v", arts)
	}
	if ok, err := b.Exists(ctxT(t), arts[0].SHA256); !ok || err != nil {
		t.Errorf("the bucket has no blob at the recorded digest: %v, %v", ok, err)
	}
	rc, size, err := b.Open(ctxT(t), arts[0].SHA256)
	if err != nil {
		t.Fatal(err)
	}
	stored, _ := io.ReadAll(rc)
	rc.Close()
	if size != int64(len(weights)) || !bytes.Equal(stored, weights) {
		t.Errorf("the bucket holds %d bytes (announced %d) that differ from the upload", len(stored), size)
	}

	big := bytes.Repeat([]byte("y"), maxFile+1)
	w.put(t, w.contributor, root+"/big.bin", big).mlflowError(t, http.StatusRequestEntityTooLarge, "INVALID_PARAMETER_VALUE", "at most 12582912 bytes")
	if ok, err := b.Exists(ctxT(t), sha256Hex(big)); ok || err != nil {
		t.Errorf("an oversize upload was stored: %v, %v", ok, err)
	}
	if arts := must(w.st.ArtifactsOf(ctxT(t), store.ArtifactOwner{Kind: store.ArtifactOfRun, ID: runID})).of(t); len(arts) != 1 {
		t.Errorf("artifacts after a refused upload = %+v", arts)
	}
}
