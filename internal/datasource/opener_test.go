package datasource_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	"github.com/fsouza/fake-gcs-server/fakestorage"

	"github.com/exphub/exphub/internal/azurite"
	"github.com/exphub/exphub/internal/datasource"
	"github.com/exphub/exphub/internal/motoserver"
	"github.com/exphub/exphub/internal/store/blobs"
)

// counting serves body at every path and counts the requests it got.
func counting(t *testing.T, handler http.HandlerFunc) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		handler(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func allow(t *testing.T, entries ...string) *datasource.Allowlist {
	t.Helper()
	a, err := datasource.ParseAllowlist(entries)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func read(t *testing.T, o *datasource.Opener, uri string) (string, error) {
	t.Helper()
	body, _, err := o.Open(t.Context(), uri)
	if err != nil {
		return "", err
	}
	defer body.Close()
	b, err := io.ReadAll(body)
	return string(b), err
}

func TestOpenerFollowsOnlyAdmittedRedirects(t *testing.T) {
	inside, insideHits := counting(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "id\n1\n") })
	outside, outsideHits := counting(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "secret\n") })
	front, _ := counting(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/lake/moved.csv":
			http.Redirect(w, r, inside.URL+"/lake/orders.csv", http.StatusFound)
		case "/lake/escape.csv":
			http.Redirect(w, r, outside.URL+"/latest/meta-data/", http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	})
	o := datasource.NewOpener(allow(t, front.URL+"/lake/", inside.URL+"/lake/"), nil, blobs.S3Access{})

	got, err := read(t, o, front.URL+"/lake/moved.csv")
	if err != nil || got != "id\n1\n" || insideHits.Load() != 1 {
		t.Fatalf("a redirect inside the allowlist: %q, %v (%d requests)", got, err, insideHits.Load())
	}
	if _, err := read(t, o, front.URL+"/lake/escape.csv"); err == nil || !strings.Contains(err.Error(), "EXPHUB_VALIDATION_SOURCES") {
		t.Errorf("a redirect out of the allowlist was followed or refused without saying why: %v", err)
	}
	if _, err := read(t, o, outside.URL+"/latest/meta-data/"); err == nil {
		t.Error("a URL outside the allowlist was read")
	}
	if n := outsideHits.Load(); n != 0 {
		t.Errorf("the server outside the allowlist got %d requests", n)
	}
	if _, err := read(t, o, front.URL+"/lake/missing.csv"); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("a missing file: %v", err)
	}
}

func TestOpenerReadsS3(t *testing.T) {
	motoserver.Credentials(t) // t.Setenv: not parallel
	srv := motoserver.Start(t)
	bucket := srv.CreateBucket(t, motoserver.BucketName(t))
	access := blobs.S3Access{Endpoint: srv.Endpoint, PathStyle: true}
	srv.PutObject(t, bucket, "curated/orders.csv", []byte("id,amount\n1,2.5\n"))
	srv.PutObject(t, bucket, "raw/secret.csv", []byte("token\nabc\n"))
	o := datasource.NewOpener(allow(t, "s3://"+bucket+"/curated/"), nil, access)

	body, size, err := o.Open(t.Context(), "s3://"+bucket+"/curated/orders.csv")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(body)
	body.Close()
	if string(b) != "id,amount\n1,2.5\n" || size != int64(len(b)) {
		t.Errorf("read %q (size %d)", b, size)
	}
	for uri, want := range map[string]string{
		"s3://" + bucket + "/raw/secret.csv":       "EXPHUB_VALIDATION_SOURCES",
		"s3://" + bucket + "/curated/missing.csv":  "no such object",
		"s3://" + bucket + "/curated/../raw/x.csv": "'..'",
	} {
		if _, _, err := o.Open(t.Context(), uri); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error saying %q", uri, err, want)
		}
	}
}

func TestOpenerReadsGoogleCloudStorage(t *testing.T) {
	srv, err := fakestorage.NewServerWithOptions(fakestorage.Options{Scheme: "http", Host: "127.0.0.1", NoListener: false,
		InitialObjects: []fakestorage.Object{
			{ObjectAttrs: fakestorage.ObjectAttrs{BucketName: "lake", Name: "curated/orders.csv"}, Content: []byte("id\n1\n")},
			{ObjectAttrs: fakestorage.ObjectAttrs{BucketName: "lake", Name: "raw/secret.csv"}, Content: []byte("token\n")},
		}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	// The SDK's own switch to an emulator: no credentials, nothing
	// leaves the machine.
	t.Setenv("STORAGE_EMULATOR_HOST", strings.TrimPrefix(srv.URL(), "http://"))
	o := datasource.NewOpener(allow(t, "gs://lake/curated/"), nil, blobs.S3Access{})

	if got, err := read(t, o, "gs://lake/curated/orders.csv"); err != nil || got != "id\n1\n" {
		t.Fatalf("read gs://lake/curated/orders.csv: %q, %v", got, err)
	}
	for uri, want := range map[string]string{
		"gs://lake/raw/secret.csv":       "EXPHUB_VALIDATION_SOURCES",
		"gs://lake/curated/missing.csv":  "no such object",
		"gs://lake:443/curated/x.csv":    "names a bucket",
		"gs://lake/curated/../raw/x.csv": "'..'",
	} {
		if _, _, err := o.Open(t.Context(), uri); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error saying %q", uri, err, want)
		}
	}
}

func TestOpenerReadsAzureBlobStorage(t *testing.T) {
	srv := azurite.Start(t)
	t.Setenv("AZURE_STORAGE_CONNECTION_STRING", srv.ConnectionString())
	client, err := azblob.NewClientFromConnectionString(srv.ConnectionString(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.CreateContainer(t.Context(), "lake", nil); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{"curated/Orders.csv": "id\n1\n", "raw/secret.csv": "token\n"} {
		if _, err := client.UploadBuffer(t.Context(), "lake", name, []byte(body), nil); err != nil {
			t.Fatal(err)
		}
	}
	o := datasource.NewOpener(allow(t, "az://lake/curated/"), nil, blobs.S3Access{})

	body, size, err := o.Open(t.Context(), "az://lake/curated/Orders.csv")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(body)
	body.Close()
	if string(b) != "id\n1\n" || size != int64(len(b)) {
		t.Errorf("read %q (size %d)", b, size)
	}
	for uri, want := range map[string]string{
		"az://lake/raw/secret.csv":      "EXPHUB_VALIDATION_SOURCES",
		"az://lake/curated/missing.csv": "no such blob",
		"az://lake/curated/orders.csv":  "no such blob", // blob names keep their case
		"az://lake:1/curated/x.csv":     "names a bucket",
	} {
		if _, _, err := o.Open(t.Context(), uri); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error saying %q", uri, err, want)
		}
	}
}
