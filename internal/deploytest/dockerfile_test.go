package deploytest

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// Stage names the test looks for in deploy/Dockerfile.
const (
	explorerStage = "explorer" // runs `make frontend`
	buildStage    = "build"    // runs `make build` (its own recipe)
)

// buildStageExtras are commands the build stage may run besides the
// Makefile's, each with the reason.
var buildStageExtras = map[string]string{
	"go mod download": "fills the module cache in its own layer, so a change of sources alone does not download again",
}

// parseDockerfile parses src with BuildKit's parser and its parse-time
// lint rules (the checks `docker build --check` runs on instructions: casing,
// FROM ... AS, legacy ENV syntax, JSON arguments, …); every warning fails.
func parseDockerfile(t *testing.T, src []byte) []instructions.Stage {
	t.Helper()
	res, err := parser.Parse(bytes.NewReader(src))
	if err != nil {
		t.Fatalf("deploy/Dockerfile does not parse: %v", err)
	}
	for _, w := range res.Warnings {
		t.Errorf("deploy/Dockerfile: parser warning: %s", w.Short)
	}
	var lint []string
	l := linter.New(&linter.Config{Warn: func(rule, desc, url, msg string, loc []parser.Range) {
		line := 0
		if len(loc) > 0 {
			line = loc[0].Start.Line
		}
		lint = append(lint, fmt.Sprintf("line %d: %s: %s (%s)", line, rule, msg, url))
	}})
	stages, _, err := instructions.Parse(res.AST, l)
	if err != nil {
		t.Fatalf("deploy/Dockerfile: %v", err)
	}
	for _, w := range lint {
		t.Errorf("deploy/Dockerfile: lint: %s", w)
	}
	return stages
}

func stageNamed(t *testing.T, stages []instructions.Stage, name string) instructions.Stage {
	t.Helper()
	for _, s := range stages {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("deploy/Dockerfile has no stage %q", name)
	return instructions.Stage{}
}

// runs returns the shell-form RUN commands of a stage, whitespace
// normalised; an exec-form RUN fails the test (make runs shell lines).
func runs(t *testing.T, s instructions.Stage) []string {
	t.Helper()
	var out []string
	for _, c := range s.Commands {
		r, ok := c.(*instructions.RunCommand)
		if !ok {
			continue
		}
		if !r.PrependShell {
			t.Errorf("stage %s: RUN %q is in exec form; use the shell form make uses", s.Name, r.CmdLine)
		}
		out = append(out, strings.Join(strings.Fields(strings.Join(r.CmdLine, " ")), " "))
	}
	return out
}

func commandsOf[T instructions.Command](s instructions.Stage) []T {
	var out []T
	for _, c := range s.Commands {
		if v, ok := c.(T); ok {
			out = append(out, v)
		}
	}
	return out
}

// TestDockerfileRunsTheMakefilesCommands is the guard against drift: the
// explorer stage runs exactly what `make frontend` runs, the build stage
// exactly what `make build` runs besides it, in the same order.
func TestDockerfileRunsTheMakefilesCommands(t *testing.T) {
	rules := parseMakefile(t, readRepoFile(t, "Makefile"))
	stages := parseDockerfile(t, readRepoFile(t, "deploy/Dockerfile"))
	norm := func(cmds []string) []string {
		out := make([]string, len(cmds))
		for i, c := range cmds {
			out[i] = strings.Join(strings.Fields(c), " ")
		}
		return out
	}

	wantExplorer := norm(recipeOf(t, rules, "frontend"))
	if got := runs(t, stageNamed(t, stages, explorerStage)); !slices.Equal(got, wantExplorer) {
		t.Errorf("stage %s runs\n\t%s\n`make frontend` runs\n\t%s", explorerStage, strings.Join(got, "\n\t"), strings.Join(wantExplorer, "\n\t"))
	}

	// `make build` = `make frontend` (the explorer stage) + its own recipe.
	if p := rules["build"].prereqs; !slices.Equal(p, []string{"frontend"}) {
		t.Errorf("make build depends on %v; the Dockerfile runs `frontend` in its own stage and nothing else before the build: update deploy/Dockerfile and this test", p)
	}
	wantBuild := norm(rules["build"].recipe)
	var gotBuild []string
	for _, c := range runs(t, stageNamed(t, stages, buildStage)) {
		if _, extra := buildStageExtras[c]; !extra {
			gotBuild = append(gotBuild, c)
		}
	}
	if !slices.Equal(gotBuild, wantBuild) {
		t.Errorf("stage %s runs\n\t%s\n`make build` runs\n\t%s", buildStage, strings.Join(gotBuild, "\n\t"), strings.Join(wantBuild, "\n\t"))
	}
}

// TestDockerfileStages checks how the stages fit together: both build from
// the repository root (make's working directory), the build stage takes
// the explorer where the server embeds it from, and the final stage gets
// the binaries `make build` writes.
func TestDockerfileStages(t *testing.T) {
	stages := parseDockerfile(t, readRepoFile(t, "deploy/Dockerfile"))
	if len(stages) != 3 {
		t.Fatalf("deploy/Dockerfile has %d stages, want 3 (explorer, build, runtime)", len(stages))
	}
	for _, name := range []string{explorerStage, buildStage} {
		s := stageNamed(t, stages, name)
		w := commandsOf[*instructions.WorkdirCommand](s)
		if len(w) != 1 || w[0].Path != "/src" {
			t.Errorf("stage %s: want one WORKDIR /src (the repository root, where make runs)", name)
		}
	}
	build := stageNamed(t, stages, buildStage)
	var embeds, wholeRepo bool
	for _, c := range commandsOf[*instructions.CopyCommand](build) {
		if c.From == explorerStage && slices.Equal(c.SourcePaths, []string{"/src/frontend/static/app"}) && strings.TrimSuffix(c.DestPath, "/") == "frontend/static/app" {
			embeds = true
		}
		if c.From == "" && slices.Equal(c.SourcePaths, []string{"."}) && c.DestPath == "." {
			wholeRepo = true
		}
	}
	if !wholeRepo {
		t.Error("stage build: no COPY . . of the repository")
	}
	if !embeds {
		t.Error("stage build: no COPY --from=explorer /src/frontend/static/app frontend/static/app (where frontend/embed.go embeds the explorer from)")
	}
	envs := map[string]string{}
	for _, e := range commandsOf[*instructions.EnvCommand](build) {
		for _, kv := range e.Env {
			envs[kv.Key] = kv.Value
		}
	}
	if envs["CGO_ENABLED"] != "0" {
		t.Error("stage build: ENV CGO_ENABLED=0 missing; the final stage has no libc")
	}

	final := stages[len(stages)-1]
	var copied []string
	for _, c := range commandsOf[*instructions.CopyCommand](final) {
		if c.From == buildStage {
			copied = append(copied, c.SourcePaths...)
		}
	}
	rules := parseMakefile(t, readRepoFile(t, "Makefile"))
	for _, cmd := range rules["build"].recipe {
		f := strings.Fields(cmd)
		i := slices.Index(f, "-o")
		if i < 0 || i+1 >= len(f) {
			t.Fatalf("make build runs %q without -o OUTPUT", cmd)
		}
		if out := "/src/" + f[i+1]; !slices.Contains(copied, out) {
			t.Errorf("final stage does not copy %s (built by %q) from stage build; it copies %v", out, cmd, copied)
		}
	}
}

// Runtime users that are root.
var rootUsers = []string{"", "root", "0", "0:0", "root:root"}

// imageRef splits an image reference into name, tag and digest.
var imageRef = regexp.MustCompile(`^([^@]+?)(?::([^@/:]+))?(?:@(sha256:[0-9a-f]{64}))?$`)

// TestDockerfileRuntime checks the final stage: a minimal base pinned by
// digest, a non-root user, a HEALTHCHECK that needs no shell, the server as
// entrypoint; and that every base image is pinned.
func TestDockerfileRuntime(t *testing.T) {
	stages := parseDockerfile(t, readRepoFile(t, "deploy/Dockerfile"))
	for _, s := range stages {
		// Pinned: by digest, or by a version tag (5.26, 1.26.8-bookworm).
		m := imageRef.FindStringSubmatch(s.BaseName)
		if m == nil || (m[3] == "" && !regexp.MustCompile(`^[0-9]`).MatchString(m[2])) {
			t.Errorf("stage %q: base image %q is pinned neither by a version tag nor by a digest", s.Name, s.BaseName)
		}
	}
	final := stages[len(stages)-1]
	if !strings.HasPrefix(final.BaseName, "gcr.io/distroless/static") || !strings.Contains(final.BaseName, "@sha256:") {
		t.Errorf("final stage base %q: want gcr.io/distroless/static pinned by digest", final.BaseName)
	}
	users := commandsOf[*instructions.UserCommand](final)
	if len(users) == 0 {
		t.Error("final stage sets no USER (it would run as the base image's user)")
	} else if u := users[len(users)-1].User; slices.Contains(rootUsers, u) {
		t.Errorf("final stage runs as %q", u)
	} else if uid, _, _ := strings.Cut(u, ":"); uid != "nonroot" {
		if n, err := strconv.Atoi(uid); err != nil || n == 0 {
			t.Errorf("final stage USER %q: want a numeric non-zero uid (Kubernetes' runAsNonRoot checks numbers) or nonroot", u)
		}
	}
	hcs := commandsOf[*instructions.HealthCheckCommand](final)
	if len(hcs) != 1 {
		t.Fatalf("final stage has %d HEALTHCHECKs, want 1", len(hcs))
	}
	hc := hcs[0].Health
	if len(hc.Test) < 3 || hc.Test[0] != "CMD" || hc.Test[1] != "/usr/local/bin/exphub-server" || hc.Test[2] != "healthcheck" {
		t.Errorf("HEALTHCHECK %q: want CMD /usr/local/bin/exphub-server healthcheck … (exec form: the base has no shell)", hc.Test)
	}
	if hc.Interval == 0 || hc.Timeout == 0 {
		t.Errorf("HEALTHCHECK without --interval and --timeout: %+v", hc)
	}
	eps := commandsOf[*instructions.EntrypointCommand](final)
	if len(eps) != 1 || eps[0].PrependShell || !slices.Equal(eps[0].CmdLine, []string{"/usr/local/bin/exphub-server"}) {
		t.Errorf("final stage ENTRYPOINT: want [\"/usr/local/bin/exphub-server\"] in exec form")
	}
	for _, c := range final.Commands {
		if _, ok := c.(*instructions.RunCommand); ok {
			t.Errorf("final stage runs %v: it has no shell", c)
		}
	}
}

// TestDockerfileToolchains keeps the build images in step with the
// repository: the Go image is the version go.mod names, the Node image
// satisfies the explorer's engines field.
func TestDockerfileToolchains(t *testing.T) {
	stages := parseDockerfile(t, readRepoFile(t, "deploy/Dockerfile"))
	goVersion := regexp.MustCompile(`(?m)^go ([0-9.]+)\s*$`).FindSubmatch(readRepoFile(t, "go.mod"))
	if goVersion == nil {
		t.Fatal("go.mod has no go line")
	}
	if b := stageNamed(t, stages, buildStage).BaseName; !strings.HasPrefix(b, "golang:"+string(goVersion[1])+"-") {
		t.Errorf("stage build uses %s; go.mod says go %s", b, goVersion[1])
	}
	engines := regexp.MustCompile(`"node":\s*">=([0-9]+)\.([0-9]+)`).FindSubmatch(readRepoFile(t, "frontend/package.json"))
	if engines == nil {
		t.Fatal(`frontend/package.json: no "engines": {"node": ">=X.Y"}`)
	}
	tag := regexp.MustCompile(`^node:([0-9]+)\.([0-9]+)\.`).FindStringSubmatch(stageNamed(t, stages, explorerStage).BaseName)
	if tag == nil {
		t.Fatalf("stage explorer: base %q is not node:X.Y.Z-…", stageNamed(t, stages, explorerStage).BaseName)
	}
	major, minor := atoi(tag[1]), atoi(tag[2])
	wantMajor, wantMinor := atoi(string(engines[1])), atoi(string(engines[2]))
	if major < wantMajor || (major == wantMajor && minor < wantMinor) {
		t.Errorf("stage explorer uses node %d.%d; frontend/package.json needs >=%d.%d", major, minor, wantMajor, wantMinor)
	}
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
