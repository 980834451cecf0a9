package deploytest

import (
	"io"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/exphub/exphub/internal/config"
	"github.com/exphub/exphub/internal/store/blobs"
)

// checkArtifacts checks where a chart render keeps MLflow artifacts: the
// root the server gets is the one the values ask for; an S3 root comes
// with both keys or neither (the pods' identity); a directory root is on a
// ReadWriteMany claim mounted at it, since every replica reads and writes
// every artifact, and never on the read-only root filesystem.
func checkArtifacts(t *testing.T, tc chartCase, cfg *config.Config, pod any, byKind map[string]manifest) {
	t.Helper()
	if cfg.ArtifactRoot != tc.artifactRoot {
		t.Fatalf("EXPHUB_ARTIFACT_ROOT %q, want %q", cfg.ArtifactRoot, tc.artifactRoot)
	}
	c := get(pod, "spec", "containers", 0)
	var envNames []string
	if env, ok := get(c, "env").([]any); ok {
		for _, e := range env {
			envNames = append(envNames, str(e, "name"))
		}
	}
	if slices.Contains(envNames, "AWS_ACCESS_KEY_ID") != slices.Contains(envNames, "AWS_SECRET_ACCESS_KEY") {
		t.Errorf("env %v: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY come together", envNames)
	}
	mounts := map[string]string{} // volume name -> mount path
	if ms, ok := get(c, "volumeMounts").([]any); ok {
		for _, m := range ms {
			mounts[str(m, "name")] = str(m, "mountPath")
		}
	}
	var claims []string
	if vs, ok := get(pod, "spec", "volumes").([]any); ok {
		for _, v := range vs {
			if claim := str(v, "persistentVolumeClaim", "claimName"); claim != "" {
				claims = append(claims, claim)
				if mounts[str(v, "name")] != cfg.ArtifactRoot {
					t.Errorf("claim %s is mounted at %q, not at the artifact root %q", claim, mounts[str(v, "name")], cfg.ArtifactRoot)
				}
			}
		}
	}
	switch {
	case cfg.ArtifactRoot == "":
		if len(claims) != 0 {
			t.Errorf("claims %v mounted without an artifact root", claims)
		}
	case strings.HasPrefix(cfg.ArtifactRoot, blobs.S3Scheme):
		if len(claims) != 0 {
			t.Errorf("claims %v mounted with artifacts in S3", claims)
		}
	default:
		if len(claims) != 1 {
			t.Fatalf("artifact root %s is on no claim (claims %v): the root filesystem is read-only", cfg.ArtifactRoot, claims)
		}
		pvc := byKind["PersistentVolumeClaim"]
		if pvc == nil || str(pvc, "metadata", "name") != claims[0] {
			t.Fatalf("the pods mount claim %s, the chart renders none of that name", claims[0])
		}
		if modes, _ := get(pvc, "spec", "accessModes").([]any); !slices.Contains(modes, any("ReadWriteMany")) {
			t.Errorf("claim %s has access modes %v; replicas on several nodes share it: ReadWriteMany", claims[0], modes)
		}
		if str(pvc, "metadata", "annotations", "helm.sh/resource-policy") != "keep" {
			t.Errorf("claim %s is deleted with the release, and the artifacts with it", claims[0])
		}
	}
}

// nginxSize parses an nginx size ("8m", "1025m", "1g", "4096").
func nginxSize(t *testing.T, v string) int64 {
	t.Helper()
	m := regexp.MustCompile(`^([0-9]+)([kKmMgG]?)$`).FindStringSubmatch(v)
	if m == nil {
		t.Fatalf("nginx size %q", v)
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	switch strings.ToLower(m[2]) {
	case "k":
		n <<= 10
	case "m":
		n <<= 20
	case "g":
		n <<= 30
	}
	return n
}

// TestComposeArtifacts checks where the compose file keeps MLflow
// artifacts: both replicas on one root in one named volume (an upload may
// land on one replica and its download on the other), a writable mount
// under the read-only root filesystem; and that the proxy lets an artifact
// of EXPHUB_ARTIFACT_MAX_BYTES through, streaming it (no request
// buffering), so the hub's own limit is the one that answers.
func TestComposeArtifacts(t *testing.T) {
	p := mustLoadCompose(t)
	var roots, volumes []string
	var maxBytes int64
	for _, n := range hubServices {
		s := p.Services[n]
		var environ []string
		for k, v := range s.Environment {
			environ = append(environ, k+"="+*v)
		}
		cfg, err := config.Load(nil, environ, io.Discard)
		if err != nil {
			t.Fatalf("service %s: %v", n, err)
		}
		if cfg.ArtifactRoot == "" || strings.HasPrefix(cfg.ArtifactRoot, blobs.S3Scheme) {
			t.Fatalf("service %s: EXPHUB_ARTIFACT_ROOT %q, want a directory on the shared volume", n, cfg.ArtifactRoot)
		}
		roots = append(roots, cfg.ArtifactRoot)
		maxBytes = cfg.ArtifactMaxBytes
		var on *types.ServiceVolumeConfig
		for i, v := range s.Volumes {
			if cfg.ArtifactRoot == v.Target || strings.HasPrefix(cfg.ArtifactRoot, strings.TrimSuffix(v.Target, "/")+"/") {
				on = &s.Volumes[i]
			}
		}
		if on == nil || on.Type != types.VolumeTypeVolume || on.ReadOnly {
			t.Fatalf("service %s: artifact root %s is on no writable named volume (volumes %+v)", n, cfg.ArtifactRoot, s.Volumes)
		}
		if _, ok := p.Volumes[on.Source]; !ok {
			t.Errorf("service %s: volume %q is not declared under volumes:", n, on.Source)
		}
		volumes = append(volumes, on.Source+":"+path.Clean(on.Target))
	}
	if roots[0] != roots[1] || volumes[0] != volumes[1] {
		t.Errorf("the replicas keep artifacts apart: roots %v on volumes %v", roots, volumes)
	}

	conf := nginxConf(t, p)
	loc := regexp.MustCompile(`(?s)location /api/2\.0/mlflow-artifacts/ \{(.*?)\n\}`).FindStringSubmatch(conf)
	if loc == nil {
		t.Fatal("nginx.conf: no location /api/2.0/mlflow-artifacts/ (the server-wide body limit would refuse artifacts)")
	}
	for _, d := range []string{"proxy_pass http://exphub;", "proxy_request_buffering off;"} {
		if !strings.Contains(loc[1], d) {
			t.Errorf("nginx.conf: the artifact location lacks %q", d)
		}
	}
	size := regexp.MustCompile(`client_max_body_size (\S+);`).FindStringSubmatch(loc[1])
	if size == nil {
		t.Fatal("nginx.conf: the artifact location sets no client_max_body_size")
	}
	if n := nginxSize(t, size[1]); n < maxBytes || n > maxBytes+64<<20 {
		t.Errorf("nginx.conf: artifact client_max_body_size %s (%d bytes) does not follow EXPHUB_ARTIFACT_MAX_BYTES %d (at least it, a little more at most)", size[1], n, maxBytes)
	}
}
