// Package archtest holds only tests: they keep the floors of
// docs/architecture.md true (who may import whom, who may talk to Neo4j)
// and check that every package says what it is for. It is in the spirit of
// Go's own go/build deps_test.go: the layering is written down once, as a
// table, and a change that breaks it fails here with a message that names
// both ends of the offending import.
//
// The checker reads source with go/parser only, so it needs no Neo4j, no
// network and no build, and runs in milliseconds.
package archtest

import (
	"bufio"
	"fmt"
	"go/build"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// A floor is one layer of the module. Production floors are ranked; bench
// and testing floors sit beside them and are never linked by production.
type floor string

const (
	floorCmd     floor = "cmd"
	floorWiring  floor = "wiring"
	floorEdge    floor = "edge"
	floorDomain  floor = "domain"
	floorStore   floor = "store"
	floorKernel  floor = "kernel"
	floorBench   floor = "bench"   // bench-only; never linked by the server
	floorTesting floor = "testing" // test helpers; never linked by production
)

// rank orders the production floors from the top; a package may import its
// own floor or floors below it (a lower rank).
var rank = map[floor]int{
	floorCmd:    6,
	floorWiring: 5,
	floorEdge:   4,
	floorDomain: 3,
	floorStore:  2,
	floorKernel: 1,
}

func (f floor) production() bool { _, ok := rank[f]; return ok }

// domainPackages are the domain areas, each internal/<name>. Adding a domain
// package is adding its name here.
var domainPackages = []string{
	"access",
	"auth",
	"tracking",
	"catalog",
	"lineage",
	"openlineage",
	"mlflow",
	"quality",
	"validation",
	"datasource",
	"governance",
	"events",
	"evidence",
	"checkpoint",
	"fairness",
	"runsearch",
	"webhooks",
	"feast", // reads a Feast repository's registry; hubctl feast import sends it as OpenLineage
}

// floorTable assigns module packages (paths relative to the module root) to
// floors. A pattern ending in "/..." matches that path and everything below
// it, as in the go command. An exact pattern beats any wildcard, and a
// longer wildcard beats a shorter one, so internal/store/storegen (bench)
// wins over internal/store/... (store).
var floorTable = func() map[string]floor {
	t := map[string]floor{
		"cmd/...": floorCmd,

		"internal/server": floorWiring,
		"internal/config": floorWiring,
		"internal/demo":   floorWiring,

		"internal/api/...":      floorEdge, // HTTP/GraphQL transport and future ingestion adapters
		"internal/adapters/...": floorEdge, // ingestion adapters (OpenLineage, MLflow REST, …)
		"resolvers":             floorEdge,
		"graph":                 floorEdge,
		"graph/model":           floorEdge,
		"internal/wsclient":     floorEdge, // graphql-transport-ws client
		"internal/mlflowimport": floorEdge, // MLflow REST client: hubctl import mlflow, bench/mlflow
		"internal/telemetry":    floorEdge, // OpenTelemetry: the OTLP exporter the edge and the wiring set up
		"frontend":              floorEdge, // the built explorer, embedded

		"internal/store/...": floorStore,

		"internal/errs":      floorKernel,
		"internal/hashchain": floorKernel,
		"internal/casefiles": floorKernel,
		"internal/jsonlimit": floorKernel, // JSON decoding with a bound on nesting

		"bench/...":               floorBench,
		"internal/store/storegen": floorBench,
		"internal/gqlgenplain":    floorBench, // a build tool (make generate): never linked by the server

		"internal/neo4jtest":             floorTesting,
		"internal/evidence/evidencetest": floorTesting,
		"internal/pyenv":                 floorTesting,
		"internal/testwait":              floorTesting,
		"internal/testproc":              floorTesting, // a server a test needs, as a child process
		"internal/servertest":            floorTesting, // the real server binary as a child process
		"internal/deploytest":            floorTesting, // tests of deploy/: image, compose, chart, backups
		"internal/mlflowserver":          floorTesting, // a real MLflow server from its venv: the import test's source, bench/mlflow's peer
		"internal/motoserver":            floorTesting, // moto's S3-compatible server from its venv: the S3 blob store's tests
		"internal/azurite":               floorTesting, // Azurite, the Azure Storage emulator, from deploy/node: az:// sources' tests
	}
	for _, name := range domainPackages {
		t["internal/"+name] = floorDomain
	}
	return t
}()

// floorOf returns the floor of the module package at rel (relative to the
// module root), or false when the table does not place it.
func floorOf(rel string) (floor, bool) {
	if f, ok := floorTable[rel]; ok && !strings.HasSuffix(rel, "/...") {
		return f, true
	}
	best, bestLen := floor(""), -1
	for pat, f := range floorTable {
		prefix, ok := strings.CutSuffix(pat, "/...")
		if !ok {
			continue
		}
		if (rel == prefix || strings.HasPrefix(rel, prefix+"/")) && len(prefix) > bestLen {
			best, bestLen = f, len(prefix)
		}
	}
	return best, bestLen >= 0
}

// benchImportAllowed lists the production packages that may import a bench
// or testing package, keyed by importer then imported package (both
// relative to the module root), each with the reason.
var benchImportAllowed = map[[2]string]string{
	// hubctl's generate command is a benchmark tool: it fills a database
	// with the synthetic graph the benchmarks run against.
	{"cmd/hubctl", "internal/store/storegen"}: "hubctl generate is a benchmark tool",
}

// storeFree are the domain packages that work on facts alone, never the
// store, as their doc comments say: the quality engine, the fairness
// metrics, the evidence format and its offline verifier, identity, and
// the Feast registry reader.
var storeFree = []string{"internal/auth", "internal/quality", "internal/fairness", "internal/evidence", "internal/feast"}

// driverPath is the Neo4j driver module; any package under it counts.
const driverPath = "github.com/neo4j/neo4j-go-driver"

// driverImportAllowed lists the packages outside the store, bench and
// testing floors that may import the Neo4j driver, each with the reason.
// Cypher and the driver live in the store.
var driverImportAllowed = map[string]string{
	"internal/server": "it builds the driver from config and hands it to the store",
	"cmd/hubctl":      "its generate command opens a driver for internal/store/storegen",
}

// pkgInfo is one module package as the checker sees it.
type pkgInfo struct {
	Floor   floor    // "" when the floor table does not place it
	Imports []string // full import paths of its non-test files
}

// graph is the module's package graph: Pkgs is keyed by full import path.
type graph struct {
	Module string
	Pkgs   map[string]pkgInfo
}

func (g graph) rel(p string) string {
	if p == g.Module {
		return "."
	}
	if r, ok := strings.CutPrefix(p, g.Module+"/"); ok {
		return r
	}
	return p
}

func (g graph) inModule(p string) bool {
	return p == g.Module || strings.HasPrefix(p, g.Module+"/")
}

// checkImports returns every violation of the import rules in g, sorted,
// one line each, as "<pkg> (floor) imports <dep> (floor): <rule>".
func checkImports(g graph) []string {
	var out []string
	for p, info := range g.Pkgs {
		from := g.rel(p)
		if info.Floor == "" {
			out = append(out, fmt.Sprintf("assign %s to a floor in archtest", from))
			continue
		}
		report := func(dep, depFloor, rule string) {
			out = append(out, fmt.Sprintf("%s (%s) imports %s (%s): %s", from, info.Floor, dep, depFloor, rule))
		}
		for _, imp := range info.Imports {
			if imp == driverPath || strings.HasPrefix(imp, driverPath+"/") {
				_, allowed := driverImportAllowed[from]
				switch {
				case info.Floor == floorStore, info.Floor == floorBench, info.Floor == floorTesting, allowed:
				default:
					report(imp, "third-party", "only store, bench and testing packages, internal/server and cmd/hubctl may import the Neo4j driver; Cypher and the driver live in the store")
				}
				continue
			}
			if !g.inModule(imp) {
				continue
			}
			to := g.rel(imp)
			dep, ok := g.Pkgs[imp]
			if !ok {
				report(to, "unknown", "not a package archtest found in the module")
				continue
			}
			if rule := importRule(from, info.Floor, to, dep.Floor); rule != "" {
				report(to, string(dep.Floor), rule)
			}
		}
	}
	sort.Strings(out)
	return out
}

// importRule returns the rule that forbids a package at from (on floor ff)
// importing one at to (on floor tf), or "" if the import is allowed. The
// first rule that applies is the one reported.
func importRule(from string, ff floor, to string, tf floor) string {
	switch {
	case tf == "":
		return "" // reported once, as "assign … to a floor"
	case tf == floorCmd:
		return "nothing imports a cmd package"
	case !ff.production():
		return "" // bench and testing packages may import anything but cmd
	case tf == floorBench || tf == floorTesting:
		if _, ok := benchImportAllowed[[2]string{from, to}]; ok {
			return ""
		}
		return "production packages never import bench or testing packages"
	case ff == floorKernel:
		return "kernel packages import no package of the module"
	case ff == floorStore && tf != floorStore && tf != floorKernel:
		return "store packages import only store and kernel packages"
	case tf == floorStore && slices.Contains(storeFree, from):
		return "this package works on facts alone and never imports the store"
	case ff == floorDomain && (tf == floorEdge || tf == floorWiring):
		return "domain packages never import edge, wiring or cmd"
	case rank[tf] > rank[ff]:
		return "a package imports only its own floor or floors below it (cmd > wiring > edge > domain > store > kernel)"
	}
	return ""
}

// srcPkg is one directory of Go source as read from disk.
type srcPkg struct {
	rel     string          // relative to the module root, "/"-separated
	imports map[string]bool // of its non-test files
	hasDoc  bool            // some non-test file has a package doc comment
	files   int             // non-test files read
}

// moduleRoot finds the module root from this file's location.
func moduleRoot(t *testing.T) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("runtime.Caller: no file for archtest")
	}
	for dir := filepath.Dir(file); ; {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatalf("no go.mod above %s", file)
		}
		dir = parent
	}
}

// modulePath reads the module line of root/go.mod.
func modulePath(t *testing.T, root string) string {
	t.Helper()
	f, err := os.Open(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if rest, ok := strings.CutPrefix(line, "module"); ok && (rest == "" || rest[0] == ' ' || rest[0] == '\t') {
			mod := strings.TrimSpace(rest)
			if i := strings.Index(mod, "//"); i >= 0 {
				mod = strings.TrimSpace(mod[:i])
			}
			if uq, err := strconv.Unquote(mod); err == nil {
				mod = uq
			}
			return mod
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	t.Fatalf("no module line in %s", filepath.Join(root, "go.mod"))
	return ""
}

// readModule walks root and reads every package's non-test files: their
// imports and package doc comments. Directories the go command ignores
// (hidden, "_"-prefixed, testdata), frontend/node_modules, .data and nested
// modules are skipped. Files excluded by build constraints for this
// platform are skipped, as the go command would.
func readModule(t *testing.T, root string) map[string]*srcPkg {
	t.Helper()
	pkgs := map[string]*srcPkg{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		name := d.Name()
		if d.IsDir() {
			if rel == "." {
				return nil
			}
			switch {
			case strings.HasPrefix(name, "."), strings.HasPrefix(name, "_"), name == "testdata",
				rel == "frontend/node_modules", name == "node_modules":
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil {
				return filepath.SkipDir // another module
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") ||
			strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
			return nil
		}
		dir := filepath.Dir(p)
		if ok, err := build.Default.MatchFile(dir, name); err != nil {
			return fmt.Errorf("build constraints of %s: %w", rel, err)
		} else if !ok {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.ImportsOnly|parser.ParseComments)
		if err != nil {
			return err
		}
		dirRel := path.Dir(rel)
		sp := pkgs[dirRel]
		if sp == nil {
			sp = &srcPkg{rel: dirRel, imports: map[string]bool{}}
			pkgs[dirRel] = sp
		}
		sp.files++
		if f.Doc != nil && strings.TrimSpace(f.Doc.Text()) != "" {
			sp.hasDoc = true
		}
		for _, is := range f.Imports {
			ip, err := strconv.Unquote(is.Path.Value)
			if err != nil {
				return fmt.Errorf("%s: import %s: %w", rel, is.Path.Value, err)
			}
			sp.imports[ip] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) == 0 {
		t.Fatalf("no Go packages found under %s", root)
	}
	return pkgs
}

// moduleGraph reads the module at the root above this file.
func moduleGraph(t *testing.T) (graph, map[string]*srcPkg) {
	t.Helper()
	root := moduleRoot(t)
	mod := modulePath(t, root)
	src := readModule(t, root)
	g := graph{Module: mod, Pkgs: map[string]pkgInfo{}}
	for rel, sp := range src {
		ip := mod
		if rel != "." {
			ip = mod + "/" + rel
		}
		f, _ := floorOf(rel)
		imps := make([]string, 0, len(sp.imports))
		for imp := range sp.imports {
			imps = append(imps, imp)
		}
		sort.Strings(imps)
		g.Pkgs[ip] = pkgInfo{Floor: f, Imports: imps}
	}
	return g, src
}

func failList(t *testing.T, what string, lines []string) {
	t.Helper()
	if len(lines) == 0 {
		return
	}
	t.Errorf("%d %s:\n\t%s", len(lines), what, strings.Join(lines, "\n\t"))
}

// TestImportDirections checks every import of every module package against
// the floors.
func TestImportDirections(t *testing.T) {
	g, _ := moduleGraph(t)
	t.Logf("read %d packages of %s", len(g.Pkgs), g.Module)
	failList(t, "layering violations", checkImports(g))
}

// TestPackageDocs checks that every package with non-test files has a
// package doc comment in one of them.
func TestPackageDocs(t *testing.T) {
	_, src := moduleGraph(t)
	var missing []string
	for rel, sp := range src {
		if !sp.hasDoc {
			missing = append(missing, fmt.Sprintf("%s: no package doc comment in any of its %d non-test files", rel, sp.files))
		}
	}
	sort.Strings(missing)
	failList(t, "packages without a doc comment", missing)
}

// TestFloorTable pins how paths fall onto floors, including the
// most-specific-wins rule.
func TestFloorTable(t *testing.T) {
	for _, tc := range []struct {
		rel  string
		want floor // "" means unassigned
	}{
		{"cmd/server", floorCmd},
		{"cmd/hubctl", floorCmd},
		{"cmd", floorCmd},
		{"internal/server", floorWiring},
		{"internal/api", floorEdge},
		{"internal/api/openlineage", floorEdge},
		{"internal/adapters/mlflow", floorEdge},
		{"graph/model", floorEdge},
		{"internal/quality", floorDomain},
		{"internal/evidence", floorDomain},
		{"internal/store", floorStore},
		{"internal/store/migrations", floorStore},
		{"internal/store/storegen", floorBench},
		{"bench/lineage", floorBench},
		{"internal/errs", floorKernel},
		{"internal/neo4jtest", floorTesting},
		{"internal/evidence/evidencetest", floorTesting},
		{"internal/deploytest", floorTesting},
		{"internal/foo", ""},
		{"internal/quality/sub", ""},
		{"resolvers/sub", ""},
		{"internal/storefront", ""},
		{"cmdline", ""},
	} {
		t.Run(strings.ReplaceAll(tc.rel, "/", "_"), func(t *testing.T) {
			got, ok := floorOf(tc.rel)
			if ok != (tc.want != "") || got != tc.want {
				t.Errorf("floorOf(%q) = %q, %v; want %q", tc.rel, got, ok, tc.want)
			}
		})
	}
}

// TestCheckImports proves the checker on synthetic graphs: each case holds
// exactly the violations it should.
func TestCheckImports(t *testing.T) {
	const mod = "example.com/m"
	const driver = driverPath + "/v5/neo4j"
	m := func(rel string) string { return mod + "/" + rel }
	// legal is a small module laid out as intended, including both
	// allowlisted exceptions.
	legal := map[string]pkgInfo{
		m("cmd/server"):                     {floorCmd, []string{"context", m("internal/server"), m("internal/config")}},
		m("cmd/hubctl"):                     {floorCmd, []string{m("internal/store"), m("internal/store/storegen"), m("internal/auth"), driver}},
		m("internal/server"):                {floorWiring, []string{m("internal/api"), m("internal/config"), m("internal/store"), m("internal/events"), driver}},
		m("internal/config"):                {floorWiring, []string{m("internal/auth")}},
		m("internal/api"):                   {floorEdge, []string{m("resolvers"), m("graph"), m("internal/auth"), m("internal/errs"), "github.com/99designs/gqlgen/graphql"}},
		m("resolvers"):                      {floorEdge, []string{m("graph"), m("graph/model"), m("internal/quality"), m("internal/store")}},
		m("graph"):                          {floorEdge, []string{m("graph/model")}},
		m("graph/model"):                    {floorEdge, nil},
		m("internal/auth"):                  {floorDomain, []string{m("internal/errs")}},
		m("internal/quality"):               {floorDomain, []string{m("internal/errs")}},
		m("internal/events"):                {floorDomain, []string{m("internal/store"), m("internal/quality")}},
		m("internal/store"):                 {floorStore, []string{m("internal/errs"), m("internal/hashchain"), m("internal/store/cypher"), driver}},
		m("internal/store/cypher"):          {floorStore, nil},
		m("internal/errs"):                  {floorKernel, []string{"errors", "fmt"}},
		m("internal/hashchain"):             {floorKernel, []string{"crypto/sha256"}},
		m("internal/store/storegen"):        {floorBench, []string{m("internal/store"), m("internal/quality"), driver}},
		m("bench/lineage"):                  {floorBench, []string{m("internal/api"), m("internal/store/storegen"), m("internal/neo4jtest"), driver}},
		m("internal/neo4jtest"):             {floorTesting, []string{m("internal/config"), m("internal/store"), driver}},
		m("internal/evidence/evidencetest"): {floorTesting, []string{m("internal/quality")}},
	}
	with := func(changes map[string]pkgInfo) map[string]pkgInfo {
		out := map[string]pkgInfo{}
		for k, v := range legal {
			out[k] = pkgInfo{v.Floor, slices.Clone(v.Imports)}
		}
		for k, v := range changes {
			out[k] = v
		}
		return out
	}
	add := func(pkg string, imps ...string) map[string]pkgInfo {
		p := legal[m(pkg)]
		return map[string]pkgInfo{m(pkg): {p.Floor, append(slices.Clone(p.Imports), imps...)}}
	}
	for _, tc := range []struct {
		name string
		pkgs map[string]pkgInfo
		want []string
	}{
		{"legal", legal, nil},
		{"store imports domain", with(add("internal/store", m("internal/quality"))), []string{
			"internal/store (store) imports internal/quality (domain): store packages import only store and kernel packages",
		}},
		{"store imports edge", with(add("internal/store/cypher", m("graph/model"))), []string{
			"internal/store/cypher (store) imports graph/model (edge): store packages import only store and kernel packages",
		}},
		{"domain imports edge and wiring", with(add("internal/quality", m("internal/api"), m("internal/config"))), []string{
			"internal/quality (domain) imports internal/api (edge): domain packages never import edge, wiring or cmd",
			"internal/quality (domain) imports internal/config (wiring): domain packages never import edge, wiring or cmd",
		}},
		{"imports cmd", with(map[string]pkgInfo{
			m("internal/api"):   add("internal/api", m("cmd/server"))[m("internal/api")],
			m("bench/lineage"):  add("bench/lineage", m("cmd/hubctl"))[m("bench/lineage")],
			m("internal/store"): add("internal/store", m("cmd/hubctl"))[m("internal/store")],
		}), []string{
			"bench/lineage (bench) imports cmd/hubctl (cmd): nothing imports a cmd package",
			"internal/api (edge) imports cmd/server (cmd): nothing imports a cmd package",
			"internal/store (store) imports cmd/hubctl (cmd): nothing imports a cmd package",
		}},
		{"production imports testing and bench", with(map[string]pkgInfo{
			m("internal/auth"):   add("internal/auth", m("internal/neo4jtest"))[m("internal/auth")],
			m("internal/server"): add("internal/server", m("internal/store/storegen"), m("internal/evidence/evidencetest"))[m("internal/server")],
			m("cmd/server"):      add("cmd/server", m("bench/lineage"))[m("cmd/server")],
		}), []string{
			"cmd/server (cmd) imports bench/lineage (bench): production packages never import bench or testing packages",
			"internal/auth (domain) imports internal/neo4jtest (testing): production packages never import bench or testing packages",
			"internal/server (wiring) imports internal/evidence/evidencetest (testing): production packages never import bench or testing packages",
			"internal/server (wiring) imports internal/store/storegen (bench): production packages never import bench or testing packages",
		}},
		{"a store-free domain imports the store", with(add("internal/quality", m("internal/store"))), []string{
			"internal/quality (domain) imports internal/store (store): this package works on facts alone and never imports the store",
		}},
		{"kernel imports module", with(add("internal/errs", m("internal/hashchain"))), []string{
			"internal/errs (kernel) imports internal/hashchain (kernel): kernel packages import no package of the module",
		}},
		{"edge imports wiring", with(add("resolvers", m("internal/server"))), []string{
			"resolvers (edge) imports internal/server (wiring): a package imports only its own floor or floors below it (cmd > wiring > edge > domain > store > kernel)",
		}},
		{"driver outside the store", with(map[string]pkgInfo{
			m("internal/quality"): add("internal/quality", driver)[m("internal/quality")],
			m("resolvers"):        add("resolvers", driverPath+"/v5/neo4j/dbtype")[m("resolvers")],
			m("cmd/server"):       add("cmd/server", driver)[m("cmd/server")],
		}), []string{
			"cmd/server (cmd) imports github.com/neo4j/neo4j-go-driver/v5/neo4j (third-party): only store, bench and testing packages, internal/server and cmd/hubctl may import the Neo4j driver; Cypher and the driver live in the store",
			"internal/quality (domain) imports github.com/neo4j/neo4j-go-driver/v5/neo4j (third-party): only store, bench and testing packages, internal/server and cmd/hubctl may import the Neo4j driver; Cypher and the driver live in the store",
			"resolvers (edge) imports github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype (third-party): only store, bench and testing packages, internal/server and cmd/hubctl may import the Neo4j driver; Cypher and the driver live in the store",
		}},
		{"unassigned package and unknown import", with(map[string]pkgInfo{
			m("internal/foo"):  {"", []string{m("cmd/server")}},
			m("internal/auth"): add("internal/auth", m("internal/foo"), m("internal/gone"))[m("internal/auth")],
		}), []string{
			"assign internal/foo to a floor in archtest",
			"internal/auth (domain) imports internal/gone (unknown): not a package archtest found in the module",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := checkImports(graph{Module: mod, Pkgs: tc.pkgs})
			if !slices.Equal(got, tc.want) {
				t.Errorf("violations:\n\t%s\nwant:\n\t%s", strings.Join(got, "\n\t"), strings.Join(tc.want, "\n\t"))
			}
		})
	}
}
