package deploytest

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/exphub/exphub/internal/config"
	"github.com/exphub/exphub/internal/hashchain"
	"github.com/exphub/exphub/internal/pyenv"
	"github.com/exphub/exphub/internal/telemetry"
)

// helmModule is the helm the chart is rendered with: built from its Go
// module by `go run` (the Go build cache keeps the binary, so only the
// first run on a machine compiles it, a few minutes on two cores).
const helmModule = "helm.sh/helm/v3/cmd/helm@v3.22.0"

// kubeVersions are the Kubernetes versions the chart supports and is
// validated against (Chart.yaml's kubeVersion is the lowest).
var kubeVersions = []string{"1.29", "1.30", "1.31"}

// chartDir is the chart, relative to the repository root.
const chartDir = "deploy/helm/exphub"

// runHelm runs helm with args in dir and returns its stdout, or an error
// carrying its stderr. HELM_* homes point into the test's temporary
// directories, so helm reads no user configuration and writes nothing
// outside them.
func runHelm(t *testing.T, dir string, args ...string) (string, error) {
	t.Helper()
	home := t.TempDir()
	cmd := exec.CommandContext(t.Context(), "go", append([]string{"run", helmModule}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"HELM_CACHE_HOME="+filepath.Join(home, "cache"),
		"HELM_CONFIG_HOME="+filepath.Join(home, "config"),
		"HELM_DATA_HOME="+filepath.Join(home, "data"),
	)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	t.Logf("helm %s: %s", args[0], time.Since(start).Round(time.Millisecond))
	if err != nil {
		return stdout.String(), errors.New(strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}

// renderableChart copies the chart into a temporary directory without its
// dependency on the official Neo4j chart: that one is fetched by `helm
// dependency update`, which needs the network, and helm refuses to render a
// chart whose declared dependencies are missing even when their condition
// is off. Everything else is the chart as it is.
func renderableChart(t *testing.T) string {
	t.Helper()
	src := filepath.Join(repoRoot(t), filepath.FromSlash(chartDir))
	dst := filepath.Join(t.TempDir(), "exphub")
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			if rel == "charts" {
				return filepath.SkipDir // a local `helm dependency update` leaves it
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	var chart map[string]any
	if err := yaml.Unmarshal(readRepoFile(t, chartDir+"/Chart.yaml"), &chart); err != nil {
		t.Fatal(err)
	}
	delete(chart, "dependencies")
	b, err := yaml.Marshal(chart)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dst, "Chart.yaml"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return dst
}

// TestChartDeclaresNeo4jDependency: the official chart, optional.
func TestChartDeclaresNeo4jDependency(t *testing.T) {
	var chart struct {
		APIVersion   string `yaml:"apiVersion"`
		KubeVersion  string `yaml:"kubeVersion"`
		Dependencies []struct {
			Name, Version, Repository, Condition string
		} `yaml:"dependencies"`
	}
	if err := yaml.Unmarshal(readRepoFile(t, chartDir+"/Chart.yaml"), &chart); err != nil {
		t.Fatal(err)
	}
	if chart.APIVersion != "v2" {
		t.Errorf("Chart.yaml apiVersion %q, want v2", chart.APIVersion)
	}
	if chart.KubeVersion != ">="+kubeVersions[0]+".0-0" {
		t.Errorf("Chart.yaml kubeVersion %q, want >=%s.0-0 (the lowest version validated here)", chart.KubeVersion, kubeVersions[0])
	}
	if len(chart.Dependencies) != 1 {
		t.Fatalf("Chart.yaml has %d dependencies, want the official neo4j chart", len(chart.Dependencies))
	}
	d := chart.Dependencies[0]
	if d.Name != "neo4j" || d.Repository != "https://helm.neo4j.com/neo4j" || d.Condition != "neo4j.enabled" || !strings.HasPrefix(strings.TrimLeft(d.Version, "~^"), "5.") {
		t.Errorf("dependency %+v: want the official neo4j chart 5.x with condition neo4j.enabled", d)
	}
	var values struct {
		Neo4j struct {
			Enabled bool `yaml:"enabled"`
		} `yaml:"neo4j"`
	}
	if err := yaml.Unmarshal(readRepoFile(t, chartDir+"/values.yaml"), &values); err != nil {
		t.Fatal(err)
	}
	if values.Neo4j.Enabled {
		t.Error("values.yaml: neo4j.enabled is on by default; an existing Neo4j is the default")
	}
}

// chartCase is one value set the chart is rendered with.
type chartCase struct {
	name string
	set  []string
	// kinds the render must hold, sorted.
	kinds []string
	// replicas the Deployment must ask for; 0: none (the HPA decides).
	replicas int
	// existing holds what an existing Secret named in the values would
	// hold, keyed by Secret then key, for the config check.
	existing map[string]map[string]string
	// artifactRoot is the EXPHUB_ARTIFACT_ROOT the pods must get ("": no
	// artifacts); see checkArtifacts.
	artifactRoot string
	// sources are the EXPHUB_VALIDATION_SOURCES the server reads, and
	// s3Endpoint its EXPHUB_S3_ENDPOINT.
	sources    []string
	s3Endpoint string
	// tracing is whether the pods export traces.
	tracing bool
	// metricsPort is the port /metrics has to itself (0: it is on the
	// http port); see checkMetrics.
	metricsPort int
}

const (
	testPassword  = "neo4j-password-1"
	testJWTSecret = "0123456789abcdef0123456789abcdef"
)

var chartCases = []chartCase{
	{
		name:     "defaults",
		set:      []string{"secrets.neo4jPassword=" + testPassword, "secrets.jwtSecret=" + testJWTSecret},
		kinds:    []string{"ConfigMap", "Deployment", "PodDisruptionBudget", "Secret", "Service", "ServiceAccount"},
		replicas: 2,
	},
	{
		name: "external neo4j with existingSecret and OIDC",
		set: []string{
			"externalNeo4j.uri=neo4j+s://abcd1234.databases.neo4j.io",
			"externalNeo4j.user=exphub",
			"externalNeo4j.database=hub",
			"secrets.existingSecret=neo4j-credentials",
			"secrets.existingSecretKeys.neo4jPassword=password",
			"auth.jwksURL=https://idp.example.com/.well-known/jwks.json",
			"auth.issuer=https://idp.example.com/",
			"auth.audience=exphub",
			"serviceAccount.create=false",
			"checkpoint.existingSecret=exphub-checkpoint-key",
			"webhookSecretKey.existingSecret=exphub-webhook-key",
		},
		kinds:    []string{"ConfigMap", "Deployment", "PodDisruptionBudget", "Service"},
		replicas: 2,
		existing: map[string]map[string]string{"neo4j-credentials": {"password": testPassword},
			"exphub-checkpoint-key": {"checkpoint-key.pem": "-----BEGIN PRIVATE KEY-----"},
			"exphub-webhook-key":    {"webhook-secret-key": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="}},
	},
	{
		name: "ingress servicemonitor hpa",
		set: []string{
			"secrets.neo4jPassword=" + testPassword, "secrets.jwtSecret=" + testJWTSecret,
			"ingress.enabled=true", "ingress.className=nginx",
			"ingress.tls[0].secretName=exphub-tls", "ingress.tls[0].hosts[0]=exphub.example.com",
			"serviceMonitor.enabled=true", "serviceMonitor.labels.release=prometheus",
			"autoscaling.enabled=true", "autoscaling.targetMemoryUtilizationPercentage=80",
			"config.EXPHUB_LOG_LEVEL=debug", "config.EXPHUB_CALLER_RATE=50",
		},
		kinds: []string{"ConfigMap", "Deployment", "HorizontalPodAutoscaler", "Ingress", "PodDisruptionBudget", "Secret", "Service", "ServiceAccount", "ServiceMonitor"},
	},
	{
		name: "metrics on a port of their own",
		set: []string{
			"secrets.neo4jPassword=" + testPassword, "secrets.jwtSecret=" + testJWTSecret,
			"metrics.separatePort.enabled=true", "metrics.separatePort.port=9102",
			"serviceMonitor.enabled=true", "ingress.enabled=true",
		},
		kinds:       []string{"ConfigMap", "Deployment", "Ingress", "PodDisruptionBudget", "Secret", "Service", "ServiceAccount", "ServiceMonitor"},
		replicas:    2,
		metricsPort: 9102,
	},
	{
		name: "tracing to an OTLP collector",
		set: []string{
			"secrets.neo4jPassword=" + testPassword, "secrets.jwtSecret=" + testJWTSecret,
			"tracing.otlpEndpoint=http://otel-collector.observability:4318", "tracing.samplerArg=0.25",
		},
		kinds:    []string{"ConfigMap", "Deployment", "PodDisruptionBudget", "Secret", "Service", "ServiceAccount"},
		replicas: 2,
		tracing:  true,
	},
	{
		name:     "replicas 3",
		set:      []string{"secrets.neo4jPassword=" + testPassword, "secrets.jwtSecret=" + testJWTSecret, "replicaCount=3", "shutdownTimeoutSeconds=40", "tmpVolume.medium=Memory"},
		kinds:    []string{"ConfigMap", "Deployment", "PodDisruptionBudget", "Secret", "Service", "ServiceAccount"},
		replicas: 3,
	},
	{
		// The dependency itself is not vendored (see renderableChart):
		// this renders the hub's side of it, pointed at the dependency's
		// Service with its password.
		name:     "bundled neo4j (hub side)",
		set:      []string{"neo4j.enabled=true", "neo4j.neo4j.password=" + testPassword, "secrets.jwtSecret=" + testJWTSecret},
		kinds:    []string{"ConfigMap", "Deployment", "PodDisruptionBudget", "Secret", "Service", "ServiceAccount"},
		replicas: 2,
	},
	{
		name: "artifacts in s3",
		set: []string{
			"secrets.neo4jPassword=" + testPassword, "secrets.jwtSecret=" + testJWTSecret,
			"artifacts.s3.enabled=true", "artifacts.s3.bucket=exphub-artifacts", "artifacts.s3.prefix=/hub/prod/",
			"artifacts.s3.endpoint=http://minio.storage.svc:9000", "artifacts.s3.region=eu-west-1", "artifacts.s3.pathStyle=true",
			"artifacts.s3.credentials.existingSecret=exphub-s3", "artifacts.s3.credentials.accessKeyIdKey=access-key",
			"artifacts.s3.credentials.secretAccessKeyKey=secret-key", "artifacts.maxBytes=5368709120",
		},
		kinds:        []string{"ConfigMap", "Deployment", "PodDisruptionBudget", "Secret", "Service", "ServiceAccount"},
		replicas:     2,
		existing:     map[string]map[string]string{"exphub-s3": {"access-key": "AKIAEXAMPLE", "secret-key": "example-secret"}},
		artifactRoot: "s3://exphub-artifacts/hub/prod",
		s3Endpoint:   "http://minio.storage.svc:9000",
	},
	{
		name: "validation sources on MinIO, artifacts elsewhere",
		set: []string{
			"secrets.neo4jPassword=" + testPassword, "secrets.jwtSecret=" + testJWTSecret,
			"validation.sources={https://data.example.com/lake/,s3://warehouse/curated/}",
			"validation.s3.endpoint=http://minio.storage.svc:9000", "validation.s3.pathStyle=true",
		},
		kinds:      []string{"ConfigMap", "Deployment", "PodDisruptionBudget", "Secret", "Service", "ServiceAccount"},
		replicas:   2,
		sources:    []string{"https://data.example.com/lake/", "s3://warehouse/curated/"},
		s3Endpoint: "http://minio.storage.svc:9000",
	},
	{
		name: "artifacts on a ReadWriteMany volume",
		set: []string{
			"secrets.neo4jPassword=" + testPassword, "secrets.jwtSecret=" + testJWTSecret,
			"artifacts.persistentVolumeClaim.enabled=true", "artifacts.persistentVolumeClaim.storageClassName=nfs-client",
			"artifacts.persistentVolumeClaim.size=200Gi",
		},
		kinds:        []string{"ConfigMap", "Deployment", "PersistentVolumeClaim", "PodDisruptionBudget", "Secret", "Service", "ServiceAccount"},
		replicas:     2,
		artifactRoot: "/var/lib/exphub/artifacts",
	},
}

// manifest is one rendered Kubernetes object.
type manifest = map[string]any

// TestChartRenders renders the chart with each value set by a real helm
// (lint --strict first), checks how the objects fit together and that the
// server's strict config loader accepts the environment the pods get, and
// validates every manifest against the Kubernetes API schemas of each
// supported version, unknown fields refused.
func TestChartRenders(t *testing.T) {
	t.Parallel()
	chart := renderableChart(t)
	if out, err := runHelm(t, chart, "lint", "--strict", "--kube-version", kubeVersions[0]+".0", ".",
		"--set", "secrets.neo4jPassword="+testPassword, "--set", "secrets.jwtSecret="+testJWTSecret); err != nil {
		t.Fatalf("helm lint --strict: %v\n%s", err, out)
	}
	python := pyenv.Python(t, "kubernetes")
	outDir := t.TempDir()
	var files []string
	for i, tc := range chartCases {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"template", "exphub-test", ".", "--namespace", "hub", "--kube-version", kubeVersions[0] + ".0"}
			for _, s := range tc.set {
				args = append(args, "--set", s)
			}
			out, err := runHelm(t, chart, args...)
			if err != nil {
				t.Fatalf("helm template: %v", err)
			}
			f := filepath.Join(outDir, strconv.Itoa(i)+".yaml")
			if err := os.WriteFile(f, []byte(out), 0o644); err != nil {
				t.Fatal(err)
			}
			files = append(files, f)
			checkRender(t, tc, parseManifests(t, out))
		})
	}
	if len(files) == 0 {
		return
	}
	t.Run("schemas", func(t *testing.T) {
		out := pyenv.Run(t, python, filepath.Join(repoRoot(t), "internal", "deploytest", "testdata", "k8svalidate.py"), nil,
			append([]string{strings.Join(kubeVersions, ",")}, files...)...)
		checked := 0
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			var r struct{ File, Kind, Name, Version, Status, Error string }
			if err := json.Unmarshal([]byte(line), &r); err != nil {
				t.Fatalf("k8svalidate.py printed %q: %v", line, err)
			}
			i, _ := strconv.Atoi(strings.TrimSuffix(filepath.Base(r.File), ".yaml"))
			switch {
			case r.Status == "ok":
				checked++
			case r.Status == "no-schema" && r.Kind == "ServiceMonitor":
				// A Prometheus Operator custom resource: no schema ships
				// with Kubernetes; checkServiceMonitor checks it instead.
			default:
				t.Errorf("%s: %s %s on Kubernetes %s: %s: %s", chartCases[i].name, r.Kind, r.Name, r.Version, r.Status, r.Error)
			}
		}
		t.Logf("%d manifest validations against the schemas of Kubernetes %s", checked, strings.Join(kubeVersions, ", "))
		if checked == 0 {
			t.Error("no manifest was validated")
		}
	})
}

// TestChartRefusesMissingSecrets: without a Neo4j password or a token
// secret (and no existing Secret or JWKS), rendering fails with a message
// that names the value to set.
func TestChartRefusesMissingSecrets(t *testing.T) {
	t.Parallel()
	chart := renderableChart(t)
	for _, tc := range []struct {
		name string
		set  []string
		want string
	}{
		{"no password", []string{"secrets.jwtSecret=" + testJWTSecret}, "secrets.neo4jPassword"},
		{"no jwt secret", []string{"secrets.neo4jPassword=" + testPassword}, "secrets.jwtSecret"},
		{"reserved key in config", []string{"secrets.neo4jPassword=" + testPassword, "secrets.jwtSecret=" + testJWTSecret, "config.EXPHUB_NEO4J_URI=bolt://x:7687"}, "config.EXPHUB_NEO4J_URI"},
		{"metrics address in config", []string{"secrets.neo4jPassword=" + testPassword, "secrets.jwtSecret=" + testJWTSecret, "config.EXPHUB_METRICS_ADDR=0.0.0.0:9090"}, "config.EXPHUB_METRICS_ADDR"},
		{"metrics on the http port", []string{"secrets.neo4jPassword=" + testPassword, "secrets.jwtSecret=" + testJWTSecret,
			"metrics.separatePort.enabled=true", "metrics.separatePort.port=8080"}, "metrics.separatePort.port"},
		{"artifact root in config", []string{"secrets.neo4jPassword=" + testPassword, "secrets.jwtSecret=" + testJWTSecret, "config.EXPHUB_ARTIFACT_ROOT=/tmp/a"}, "config.EXPHUB_ARTIFACT_ROOT"},
		{"s3 without a bucket", []string{"secrets.neo4jPassword=" + testPassword, "secrets.jwtSecret=" + testJWTSecret, "artifacts.s3.enabled=true"}, "artifacts.s3.bucket"},
		{"validation s3 without s3 sources", []string{"secrets.neo4jPassword=" + testPassword, "secrets.jwtSecret=" + testJWTSecret,
			"validation.sources={https://data.example.com/}", "validation.s3.region=eu-west-1"}, "validation.s3"},
		{"validation s3 beside artifacts s3", []string{"secrets.neo4jPassword=" + testPassword, "secrets.jwtSecret=" + testJWTSecret,
			"artifacts.s3.enabled=true", "artifacts.s3.bucket=b", "validation.sources={s3://warehouse/}", "validation.s3.pathStyle=true"}, "artifacts.s3"},
		{"validation sources in config", []string{"secrets.neo4jPassword=" + testPassword, "secrets.jwtSecret=" + testJWTSecret,
			"config.EXPHUB_VALIDATION_SOURCES=*"}, "validation.sources"},
		{"s3 and a volume", []string{"secrets.neo4jPassword=" + testPassword, "secrets.jwtSecret=" + testJWTSecret,
			"artifacts.s3.enabled=true", "artifacts.s3.bucket=b-1", "artifacts.persistentVolumeClaim.enabled=true"}, "choose one"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"template", "x", ".", "--kube-version", kubeVersions[0] + ".0"}
			for _, s := range tc.set {
				args = append(args, "--set", s)
			}
			_, err := runHelm(t, chart, args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("helm template: %v; want an error naming %s", err, tc.want)
			}
		})
	}
}

func parseManifests(t *testing.T, out string) []manifest {
	t.Helper()
	var docs []manifest
	dec := yaml.NewDecoder(strings.NewReader(out))
	for {
		var m manifest
		err := dec.Decode(&m)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("helm template output: %v", err)
		}
		if m != nil {
			docs = append(docs, m)
		}
	}
	return docs
}

// get walks a manifest along keys (strings for maps, ints for lists).
func get(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func str(v any, path ...any) string {
	s, _ := get(v, path...).(string)
	return s
}

func num(v any, path ...any) int {
	switch n := get(v, path...).(type) {
	case uint64:
		return int(n)
	case int64:
		return int(n)
	case int:
		return n
	case float64:
		return int(n)
	}
	return -1
}

// labelsMatch reports whether every selector label is among labels.
func labelsMatch(selector, labels any) bool {
	sel, _ := selector.(map[string]any)
	lab, _ := labels.(map[string]any)
	if len(sel) == 0 {
		return false
	}
	for k, v := range sel {
		if lab[k] != v {
			return false
		}
	}
	return true
}

// checkRender checks one render: the kinds, the Deployment's shape, that
// selectors and references meet, and the pods' environment against the
// server's config loader.
func checkRender(t *testing.T, tc chartCase, docs []manifest) {
	t.Helper()
	byKind := map[string]manifest{}
	var kinds []string
	for _, d := range docs {
		k := str(d, "kind")
		if _, dup := byKind[k]; dup {
			t.Errorf("two objects of kind %s", k)
		}
		byKind[k] = d
		kinds = append(kinds, k)
		if ns := str(d, "metadata", "namespace"); ns != "hub" {
			t.Errorf("%s %s: namespace %q, want the release's", k, str(d, "metadata", "name"), ns)
		}
		if str(d, "metadata", "labels", "app.kubernetes.io/name") != "exphub" {
			t.Errorf("%s: no app.kubernetes.io/name label", k)
		}
	}
	slices.Sort(kinds)
	if !slices.Equal(kinds, tc.kinds) {
		t.Errorf("kinds %v, want %v", kinds, tc.kinds)
	}
	dep, svc, cm := byKind["Deployment"], byKind["Service"], byKind["ConfigMap"]
	if dep == nil || svc == nil || cm == nil {
		t.Fatal("no Deployment, Service or ConfigMap")
	}
	pod := get(dep, "spec", "template")
	podLabels := get(pod, "metadata", "labels")
	if !labelsMatch(get(dep, "spec", "selector", "matchLabels"), podLabels) {
		t.Error("the Deployment's selector does not select its pods")
	}
	if !labelsMatch(get(svc, "spec", "selector"), podLabels) {
		t.Error("the Service does not select the pods")
	}
	if got := num(dep, "spec", "replicas"); tc.replicas == 0 && got != -1 {
		t.Errorf("replicas %d set while the HPA decides", got)
	} else if tc.replicas != 0 && got != tc.replicas {
		t.Errorf("replicas %d, want %d", got, tc.replicas)
	}
	c := get(pod, "spec", "containers", 0)
	for probe, path := range map[string]string{"readinessProbe": "/readyz", "livenessProbe": "/healthz", "startupProbe": "/healthz"} {
		if p := str(c, probe, "httpGet", "path"); p != path {
			t.Errorf("%s on %q, want %s", probe, p, path)
		}
		if str(c, probe, "httpGet", "port") != "http" {
			t.Errorf("%s not on the http port", probe)
		}
	}
	if get(c, "resources", "requests") == nil || get(c, "resources", "limits") == nil {
		t.Error("container without resource requests and limits")
	}
	for path, want := range map[string]any{
		"runAsNonRoot": true, "readOnlyRootFilesystem": true, "allowPrivilegeEscalation": false,
	} {
		if get(c, "securityContext", path) != want {
			t.Errorf("container securityContext.%s is not %v", path, want)
		}
	}
	if get(pod, "spec", "securityContext", "runAsNonRoot") != true || num(pod, "spec", "securityContext", "runAsUser") == 0 {
		t.Error("pod securityContext does not run as a non-root user")
	}
	if get(pod, "spec", "automountServiceAccountToken") != false {
		t.Error("the pods mount a service account token they never use")
	}
	if pdb := byKind["PodDisruptionBudget"]; pdb != nil && !labelsMatch(get(pdb, "spec", "selector", "matchLabels"), podLabels) {
		t.Error("the PodDisruptionBudget does not select the pods")
	}
	if hpa := byKind["HorizontalPodAutoscaler"]; hpa != nil {
		if str(hpa, "spec", "scaleTargetRef", "kind") != "Deployment" || str(hpa, "spec", "scaleTargetRef", "name") != str(dep, "metadata", "name") {
			t.Error("the HPA does not scale the Deployment")
		}
	}
	svcPorts := map[string]bool{}
	for _, p := range get(svc, "spec", "ports").([]any) {
		svcPorts[str(p, "name")] = true
	}
	if ing := byKind["Ingress"]; ing != nil {
		for _, r := range get(ing, "spec", "rules").([]any) {
			for _, p := range get(r, "http", "paths").([]any) {
				if str(p, "backend", "service", "name") != str(svc, "metadata", "name") || str(p, "backend", "service", "port", "name") != "http" ||
					!svcPorts["http"] {
					t.Error("an Ingress path does not lead to the Service's http port")
				}
			}
		}
	}
	if sm := byKind["ServiceMonitor"]; sm != nil {
		checkServiceMonitor(t, sm, svc, svcPorts)
	}

	// The environment the pods get, resolved as the kubelet would, must
	// satisfy the server's strict config.
	if got := str(c, "envFrom", 0, "configMapRef", "name"); got != str(cm, "metadata", "name") {
		t.Fatalf("the pods take their environment from ConfigMap %q, the chart renders %q", got, str(cm, "metadata", "name"))
	}
	secrets := map[string]map[string]string{}
	for name, kv := range tc.existing {
		secrets[name] = kv
	}
	if s := byKind["Secret"]; s != nil {
		kv := map[string]string{}
		for k, v := range get(s, "data").(map[string]any) {
			b, err := base64.StdEncoding.DecodeString(v.(string))
			if err != nil {
				t.Fatalf("Secret key %s: %v", k, err)
			}
			kv[k] = string(b)
		}
		secrets[str(s, "metadata", "name")] = kv
	}
	var environ []string
	for k, v := range get(cm, "data").(map[string]any) {
		environ = append(environ, k+"="+v.(string))
	}
	for _, e := range get(c, "env").([]any) {
		ref := get(e, "valueFrom", "secretKeyRef")
		val, ok := secrets[str(ref, "name")][str(ref, "key")]
		if !ok {
			t.Errorf("env %s: Secret %s has no key %s", str(e, "name"), str(ref, "name"), str(ref, "key"))
		}
		environ = append(environ, str(e, "name")+"="+val)
	}
	environ = mountedCheckpointKey(t, pod, c, secrets, environ)
	cfg, err := config.Load(nil, environ, io.Discard)
	if err != nil {
		t.Fatalf("the server refuses the pods' environment: %v", err)
	}
	// Tracing is on exactly when the values ask for it, and the server
	// accepts its settings.
	getenv := func(k string) string {
		for _, kv := range environ {
			if name, v, _ := strings.Cut(kv, "="); name == k {
				return v
			}
		}
		return ""
	}
	if telemetry.Enabled(getenv) != tc.tracing {
		t.Errorf("tracing enabled %v, want %v", telemetry.Enabled(getenv), tc.tracing)
	}
	if tp, err := telemetry.Setup(t.Context(), getenv); err != nil {
		t.Errorf("the server refuses the pods' tracing settings: %v", err)
	} else if tp != nil {
		_ = tp.Shutdown(t.Context())
	}
	if cfg.Dev {
		t.Error("the chart runs the server in development mode")
	}
	if !slices.Equal(cfg.ValidationSources, tc.sources) || cfg.S3Endpoint != tc.s3Endpoint {
		t.Errorf("validation sources %q and S3 endpoint %q, want %q and %q", cfg.ValidationSources, cfg.S3Endpoint, tc.sources, tc.s3Endpoint)
	}
	grace := num(pod, "spec", "terminationGracePeriodSeconds")
	if time.Duration(grace)*time.Second <= cfg.ShutdownDelay+cfg.ShutdownTimeout {
		t.Errorf("terminationGracePeriodSeconds %d does not exceed EXPHUB_SHUTDOWN_DELAY %s + EXPHUB_SHUTDOWN_TIMEOUT %s: the kubelet would kill requests in flight",
			grace, cfg.ShutdownDelay, cfg.ShutdownTimeout)
	}
	if cfg.ShutdownDelay <= 0 {
		t.Error("EXPHUB_SHUTDOWN_DELAY is 0: a replica would close its listener while Services still send to it")
	}
	if port := num(c, "ports", 0, "containerPort"); !strings.HasSuffix(cfg.Addr, ":"+strconv.Itoa(port)) {
		t.Errorf("the server listens on %s, the container port is %d", cfg.Addr, port)
	}
	checkArtifacts(t, tc, cfg, pod, byKind)
	checkMetrics(t, tc, cfg, c, svc, byKind["ServiceMonitor"])
}

// checkMetrics checks where /metrics is served: on the http port by
// default; with metrics.separatePort, on a container port of its own that
// the server listens on (EXPHUB_METRICS_ADDR), the Service exposes and the
// ServiceMonitor scrapes.
func checkMetrics(t *testing.T, tc chartCase, cfg *config.Config, c any, svc, sm manifest) {
	t.Helper()
	containerPorts := map[string]int{}
	for i := range get(c, "ports").([]any) {
		containerPorts[str(c, "ports", i, "name")] = num(c, "ports", i, "containerPort")
	}
	svcTargets := map[string]string{} // Service port name -> target port
	for _, p := range get(svc, "spec", "ports").([]any) {
		svcTargets[str(p, "name")] = str(p, "targetPort")
	}
	want := "http"
	if tc.metricsPort == 0 {
		if cfg.MetricsAddr != "" {
			t.Errorf("EXPHUB_METRICS_ADDR=%s without metrics.separatePort", cfg.MetricsAddr)
		}
		if _, ok := containerPorts["metrics"]; ok {
			t.Error("a metrics container port without metrics.separatePort")
		}
	} else {
		want = "metrics"
		if !strings.HasSuffix(cfg.MetricsAddr, ":"+strconv.Itoa(tc.metricsPort)) {
			t.Errorf("EXPHUB_METRICS_ADDR=%q, want the port %d", cfg.MetricsAddr, tc.metricsPort)
		}
		if containerPorts["metrics"] != tc.metricsPort {
			t.Errorf("container port metrics %d, want %d", containerPorts["metrics"], tc.metricsPort)
		}
		if svcTargets["metrics"] != "metrics" {
			t.Errorf("the Service's metrics port targets %q, want the container's metrics port", svcTargets["metrics"])
		}
	}
	if sm != nil {
		if got := str(sm, "spec", "endpoints", 0, "port"); got != want {
			t.Errorf("the ServiceMonitor scrapes port %q, want %q", got, want)
		}
	}
}

// checkServiceMonitor checks the custom resource the Kubernetes schemas do
// not cover: its kind, that it selects the Service in the release's
// namespace, and scrapes /metrics on a port the Service has.
func checkServiceMonitor(t *testing.T, sm, svc manifest, svcPorts map[string]bool) {
	t.Helper()
	if str(sm, "apiVersion") != "monitoring.coreos.com/v1" {
		t.Errorf("ServiceMonitor apiVersion %q", str(sm, "apiVersion"))
	}
	if !labelsMatch(get(sm, "spec", "selector", "matchLabels"), get(svc, "metadata", "labels")) {
		t.Error("the ServiceMonitor does not select the Service")
	}
	if ns := get(sm, "spec", "namespaceSelector", "matchNames", 0); ns != str(svc, "metadata", "namespace") {
		t.Errorf("the ServiceMonitor looks in namespace %v", ns)
	}
	eps, _ := get(sm, "spec", "endpoints").([]any)
	if len(eps) != 1 || !svcPorts[str(eps[0], "port")] || str(eps[0], "path") != "/metrics" {
		t.Errorf("ServiceMonitor endpoints %v: want /metrics on a port of the Service", eps)
	}
	allowed := []string{"port", "path", "interval", "scrapeTimeout"}
	for k := range eps[0].(map[string]any) {
		if !slices.Contains(allowed, k) {
			t.Errorf("ServiceMonitor endpoint field %q is not one this check knows (%v)", k, allowed)
		}
	}
}

// mountedCheckpointKey checks that EXPHUB_CHECKPOINT_KEY_FILE, when the
// pods get it, names a file of a mounted Secret volume whose Secret holds
// that key, and points it at a real key in a temporary file instead, so
// config.Load reads one as the pod would.
func mountedCheckpointKey(t *testing.T, pod, c any, secrets map[string]map[string]string, environ []string) []string {
	t.Helper()
	i := slices.IndexFunc(environ, func(kv string) bool { return strings.HasPrefix(kv, "EXPHUB_CHECKPOINT_KEY_FILE=") })
	if i < 0 {
		return environ
	}
	path := strings.TrimPrefix(environ[i], "EXPHUB_CHECKPOINT_KEY_FILE=")
	volume := ""
	for _, m := range get(c, "volumeMounts").([]any) {
		if str(m, "mountPath") == filepath.Dir(path) {
			volume = str(m, "name")
		}
	}
	found := false
	for _, v := range get(pod, "spec", "volumes").([]any) {
		if str(v, "name") != volume || get(v, "secret") == nil {
			continue
		}
		for _, item := range get(v, "secret", "items").([]any) {
			if str(item, "path") == filepath.Base(path) {
				_, found = secrets[str(v, "secret", "secretName")][str(item, "key")]
			}
		}
	}
	if !found {
		t.Fatalf("EXPHUB_CHECKPOINT_KEY_FILE=%s is not a key of a Secret mounted there", path)
	}
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), filepath.Base(path))
	if err := os.WriteFile(file, hashchain.MarshalPrivateKey(key), 0o600); err != nil {
		t.Fatal(err)
	}
	out := slices.Clone(environ)
	out[i] = "EXPHUB_CHECKPOINT_KEY_FILE=" + file
	return out
}
