package config_test

import (
	"io"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/config"
)

func TestS3ArtifactRoot(t *testing.T) {
	prod := []string{"EXPHUB_NEO4J_PASSWORD=secret-password", "EXPHUB_JWT_SECRET=" + strings.Repeat("s", 32)}
	c, err := config.Load(nil, append(prod, "EXPHUB_ARTIFACT_ROOT=s3://exphub-artifacts/prod", "EXPHUB_S3_ENDPOINT=http://minio:9000",
		"EXPHUB_S3_REGION=eu-west-1", "EXPHUB_S3_PATH_STYLE=true"), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.ArtifactRoot != "s3://exphub-artifacts/prod" || c.S3Endpoint != "http://minio:9000" || c.S3Region != "eu-west-1" || !c.S3PathStyle {
		t.Errorf("S3 settings: %+v", c)
	}
	if c, err := config.Load(nil, append(prod, "EXPHUB_ARTIFACT_ROOT=s3://exphub-artifacts"), io.Discard); err != nil || c.S3PathStyle || c.S3Endpoint != "" {
		t.Errorf("AWS S3 with defaults: %+v, %v", c, err)
	}

	for _, tc := range []struct {
		name string
		env  []string
		want []string
	}{
		{"bad bucket", []string{"EXPHUB_ARTIFACT_ROOT=s3://Exphub_Artifacts/x"}, []string{"EXPHUB_ARTIFACT_ROOT", `bucket "Exphub_Artifacts"`}},
		{"bad prefix", []string{"EXPHUB_ARTIFACT_ROOT=s3://exphub-artifacts/a/../b"}, []string{"EXPHUB_ARTIFACT_ROOT", `".."`}},
		{"other scheme", []string{"EXPHUB_ARTIFACT_ROOT=gs://exphub-artifacts"}, []string{"EXPHUB_ARTIFACT_ROOT", "s3://bucket/prefix"}},
		{"endpoint not a URL", []string{"EXPHUB_ARTIFACT_ROOT=s3://exphub-artifacts", "EXPHUB_S3_ENDPOINT=minio:9000"}, []string{"EXPHUB_S3_ENDPOINT"}},
		{"path style not a bool", []string{"EXPHUB_ARTIFACT_ROOT=s3://exphub-artifacts", "EXPHUB_S3_PATH_STYLE=yes"}, []string{"EXPHUB_S3_PATH_STYLE"}},
		{"s3 settings with a directory", []string{"EXPHUB_ARTIFACT_ROOT=/var/lib/exphub", "EXPHUB_S3_ENDPOINT=http://minio:9000"}, []string{"EXPHUB_S3_ENDPOINT", "/var/lib/exphub"}},
		{"s3 settings without a root", []string{"EXPHUB_S3_REGION=eu-west-1"}, []string{"EXPHUB_S3_REGION"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := config.Load(nil, append(prod, tc.env...), io.Discard)
			if err == nil {
				t.Fatal("want an error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not name %s", err, w)
				}
			}
		})
	}
}
