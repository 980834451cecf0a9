package main

import (
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/motoserver"
)

// hubctl validate reads an s3:// object with the user's AWS credentials.
func TestValidateS3(t *testing.T) {
	motoserver.Credentials(t) // t.Setenv: not parallel
	srv := motoserver.Start(t)
	bucket := srv.CreateBucket(t, motoserver.BucketName(t))
	srv.PutObject(t, bucket, "raw/orders.csv", []byte("id,customer,amount\n1,7,10.5\n2,8,3\n3,7,\n"))
	suite := validateFixture(t) + "/fail.yaml"
	s3flags := []string{"--s3-endpoint", srv.Endpoint, "--s3-path-style"}
	code, stdout, stderr := runCapture(t, env(nil), append([]string{"validate", "--suite", suite, "--data", "s3://" + bucket + "/raw/orders.csv"}, s3flags...)...)
	if code != exitError || !strings.Contains(stdout, "33.33% (1)") || !strings.Contains(stdout, "status: FAILED") {
		t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	code, stdout, _ = runCapture(t, env(nil), append([]string{"validate", "--suite", suite, "--data", "s3://" + bucket + "/raw/missing.csv"}, s3flags...)...)
	if code != exitError || !strings.Contains(stdout, "ERROR SOURCE") || !strings.Contains(stdout, "no such object") {
		t.Errorf("a missing object: exit %d\n%s", code, stdout)
	}
}
