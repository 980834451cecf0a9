package config_test

import (
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/config"
)

func TestValidationSources(t *testing.T) {
	prod := []string{"EXPHUB_NEO4J_PASSWORD=secret-password", "EXPHUB_JWT_SECRET=" + strings.Repeat("s", 32)}
	c, err := config.Load(nil, prod, io.Discard)
	if err != nil || len(c.ValidationSources) != 0 {
		t.Errorf("outside dev mode no remote source is admitted by default: %v, %v", c.ValidationSources, err)
	}
	dev, err := config.Load(nil, []string{"EXPHUB_DEV=true"}, io.Discard)
	if err != nil || !slices.Equal(dev.ValidationSources, []string{"*"}) {
		t.Errorf("dev mode admits any remote source: %v, %v", dev.ValidationSources, err)
	}
	c, err = config.Load(nil, append(prod, "EXPHUB_VALIDATION_SOURCES=https://data.example.com/lake/,s3://warehouse/curated",
		"EXPHUB_S3_ENDPOINT=http://minio:9000", "EXPHUB_S3_PATH_STYLE=true"), io.Discard)
	if err != nil || len(c.ValidationSources) != 2 || c.S3Endpoint != "http://minio:9000" {
		t.Errorf("sources with S3 settings for them: %+v, %v", c.ValidationSources, err)
	}
	for name, env := range map[string][]string{
		"another scheme":        {"EXPHUB_VALIDATION_SOURCES=ftp://files.example.com/"},
		"credentials in it":     {"EXPHUB_VALIDATION_SOURCES=https://u:p@data.example.com/"},
		"s3 settings, no s3":    {"EXPHUB_VALIDATION_SOURCES=https://data.example.com/", "EXPHUB_S3_REGION=eu-west-1"},
		"a path escaping a dir": {"EXPHUB_VALIDATION_SOURCES=https://data.example.com/lake/../"},
	} {
		if _, err := config.Load(nil, append(prod, env...), io.Discard); err == nil || !strings.Contains(err.Error(), strings.SplitN(env[len(env)-1], "=", 2)[0]) {
			t.Errorf("%s: error %v does not name the setting", name, err)
		}
	}
}
