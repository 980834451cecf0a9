// The oracle's fixture: projects A and H built and linked through the API,
// and the secrets of H read back from Neo4j.

package api_test

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/openlineage"
	"github.com/exphub/exphub/internal/store"
	"github.com/google/uuid"
)

// leakFixture is project A (readable) and project H (hidden), linked in
// every way the API allows.
type leakFixture struct {
	h *hub
	// a and hk are the keys; am and hm the markers every string of A and
	// of H carries.
	a, hk, am, hm string
	aw, hw        string // writers: aw writes A (and may link H), hw writes H (and may link A)

	aExp, aRun, aRun2, aRepro             string
	hExp, hRun, hRun2                     string
	aDS, aDerivedDS, aEvalDS              string
	hDS, hEvalDS                          string
	aV1, aV2FromH, aProducedByH, aEval    string
	hV1, hFromA, hOut, hEval, hDerivedOfA string
	aMV1, aMV2, hMV                       string
	aPR1, aPR2, hPR                       string
	aBias                                 string
	// aPipe and hPipe are each project's pipeline, written by OpenLineage
	// events (plPipeline): jobs, pipeline runs, versions without digests,
	// column lineage. aPipeRun (A) and hPipeRun (H) read A's report;
	// aPipeMV (A) is trained by both, and aPipeRun also produced hMV, so
	// the model versions of A's column lineage hold one of each project.
	aPipe, hPipe       *pipeline
	aPipeRun, hPipeRun string
	aPipeMV            string
	// hLive are H versions registered up front for the live rounds: each
	// round links one into A's run, so its ID is a secret from the start.
	hLive []string
}

// do posts op and fails the test unless it succeeds; data goes into out.
func (f *leakFixture) do(t *testing.T, tok, op string, vars map[string]any, out any) {
	t.Helper()
	f.h.gql(t, tok, op, vars).ok(t, out)
}

// refused posts op, expects it to fail, and returns the error code.
func (f *leakFixture) refused(t *testing.T, what, tok, op string, vars map[string]any) string {
	t.Helper()
	res := f.h.gql(t, tok, op, vars)
	if len(res.Errors) == 0 {
		t.Fatalf("%s: the API was expected to refuse this link, but it succeeded: %s", what, res.Raw)
	}
	return res.code()
}

const (
	leakCreateProject = `mutation($k: String!, $n: String!) { createProject(input: {key: $k, name: $n}) { project { id } } }`
	leakCreateExp     = `mutation($k: String!, $n: String!, $d: String) { createExperiment(input: {projectKey: $k, name: $n, description: $d}) { experiment { id } } }`
	leakStartRun      = `mutation($e: ID!, $n: String, $p: [ParamInput!], $tg: [TagInput!], $c: CodeRefInput, $env: EnvironmentInput, $seed: Int) {
		startRun(input: {experimentId: $e, name: $n, params: $p, tags: $tg, code: $c, environment: $env, seed: $seed}) { run { id } } }`
	leakLogMetrics = `mutation($r: ID!, $pts: [MetricPointInput!]!) { logMetrics(input: {runId: $r, points: $pts}) { accepted } }`
	leakFinishRun  = `mutation($r: ID!) { finishRun(input: {runId: $r}) { run { status } } }`
	leakRegisterDS = `mutation($k: String!, $ns: String!, $n: String!, $d: String) {
		registerDataset(input: {projectKey: $k, namespace: $ns, name: $n, description: $d}) { dataset { id } } }`
	leakRegisterDSV = `mutation($in: RegisterDatasetVersionInput!) { registerDatasetVersion(input: $in) { datasetVersion { id } created } }`
	leakInputs      = `mutation($r: ID!, $v: [ID!]!) { addRunInputs(input: {runId: $r, datasetVersionIds: $v}) { run { id } } }`
	leakOutputs     = `mutation($r: ID!, $v: [ID!], $m: [ID!]) { addRunOutputs(input: {runId: $r, datasetVersionIds: $v, modelVersionIds: $m}) { run { id } } }`
	leakRegisterMV  = `mutation($k: String!, $n: String!, $r: ID, $u: String!) {
		registerModelVersion(input: {projectKey: $k, modelName: $n, runId: $r, uri: $u}) { modelVersion { id } } }`
	leakRecordResult = `mutation($v: ID!, $s: String!, $r: String!) { recordValidationResult(input: {datasetVersionId: $v, suiteName: $s, result: $r}) { validationRun { id } } }`
	leakSetPolicy    = `mutation($in: SetPolicyInput!) { setPolicy(input: $in) { changed } }`
	leakRequest      = `mutation($mv: ID!, $s: ModelStage!, $j: String!) {
		requestPromotion(input: {modelVersionId: $mv, targetStage: $s, justification: $j}) { promotionRequest { id status } } }`
	leakApprove  = `mutation($id: ID!, $c: String!) { approvePromotion(input: {promotionRequestId: $id, comment: $c}) { promoted promotionRequest { status } } }`
	leakBias     = `mutation($in: RunBiasCheckInput!) { runBiasCheck(input: $in) { biasCheck { id sha256 } } }`
	leakRepro    = `mutation($a: ID!, $b: ID!) { recordReproduction(input: {originalRunId: $a, reproductionRunId: $b, tolerance: 0.01}) { reproduction { id status } } }`
	leakRunValid = `mutation($s: ID!, $v: ID!) { runValidation(input: {suiteId: $s, datasetVersionId: $v}) { validationRun { id } } }`
	leakSignOff  = `mutation($in: SignOffInput!) { signOff(input: $in) { signOff { id } } }`
)

// leakMarker is a random lowercase tag.
func leakMarker(t *testing.T, prefix string) string {
	t.Helper()
	k := neo4jtest.Key(t, prefix) // prefix-xxxxxxxx
	return strings.ReplaceAll(k, "-", "")
}

// leakCSV is governance_test.go's evaluation set with a nonce column, so
// each project's file has its own digest.
func leakCSV(nonce string) string {
	lines := strings.Split(strings.TrimSpace(evalCSV), "\n")
	for i := range lines {
		if i == 0 {
			lines[i] += ",nonce"
		} else {
			lines[i] += "," + nonce
		}
	}
	return strings.Join(lines, "\n") + "\n"
}

// buildLeakFixture makes A and H through the GraphQL API. Two writers make
// the links: A's (admin of A, contributor of H) and H's (admin of H,
// contributor of A), so that each link the API allows across projects can
// be made while every node and event of H has an actor of H's own, whose
// name is a secret too.
func buildLeakFixture(t *testing.T, h *hub) *leakFixture {
	t.Helper()
	f := &leakFixture{h: h, a: neo4jtest.Key(t, "leaka"), hk: neo4jtest.Key(t, "leakh"), am: leakMarker(t, "ax"), hm: leakMarker(t, "hx")}
	a, H, am, hm := f.a, f.hk, f.am, f.hm
	f.aw = token(t, "awriter-"+am, map[string]auth.Role{a: auth.RoleAdmin, H: auth.RoleContributor})
	f.hw = token(t, "hwriter-"+hm, map[string]auth.Role{H: auth.RoleAdmin, a: auth.RoleContributor})
	aDecider := token(t, "adecider-"+am, map[string]auth.Role{a: auth.RoleApprover})
	hDecider := token(t, "hdecider-"+hm, map[string]auth.Role{H: auth.RoleAdmin})
	aw, hw := f.aw, f.hw

	var p struct {
		CreateProject struct{ Project struct{ ID string } }
	}
	f.do(t, aw, leakCreateProject, map[string]any{"k": a, "n": "a-project-" + am}, &p)
	f.do(t, hw, leakCreateProject, map[string]any{"k": H, "n": "h-project-" + hm}, &p)
	// A webhook receiver in each project: its URL carries the marker,
	// and H's ID, URL and signing secret are H's secrets.
	for _, w := range []struct{ tok, key, m string }{{aw, a, am}, {hw, H, hm}} {
		f.do(t, w.tok, `mutation($k: String!, $u: String!, $d: String!) {
			createWebhook(input: {projectKey: $k, url: $u, description: $d, topics: [PROMOTION_DECIDED, VALIDATION_FAILED]}) { webhook { id } } }`,
			map[string]any{"k": w.key, "u": "https://hooks.example.com/receiver-" + w.m, "d": "hook-" + w.m}, nil)
	}

	exp := func(tok, key, name, desc string) string {
		var out struct {
			CreateExperiment struct{ Experiment struct{ ID string } }
		}
		f.do(t, tok, leakCreateExp, map[string]any{"k": key, "n": name, "d": desc}, &out)
		return out.CreateExperiment.Experiment.ID
	}
	run := func(tok, expID, m, name string) string {
		var out struct {
			StartRun struct{ Run struct{ ID string } }
		}
		f.do(t, tok, leakStartRun, map[string]any{"e": expID, "n": name,
			"p":    []map[string]any{{"key": "param-" + m, "value": "pval-" + m}},
			"tg":   []map[string]any{{"key": "tag-" + m, "value": "tval-" + m}},
			"c":    map[string]any{"repo": "https://git.example/repo-" + m, "commit": "commit" + m},
			"env":  map[string]any{"imageDigest": "sha256:" + sha("image"+m+name), "lockfileHash": "lock-" + m + "-" + name, "platform": "plat-" + m},
			"seed": 7}, &out)
		id := out.StartRun.Run.ID
		f.do(t, tok, leakLogMetrics, map[string]any{"r": id, "pts": []map[string]any{{"key": "metric-" + m, "value": 0.9, "step": 1}}}, nil)
		return id
	}
	dataset := func(tok, key, m, name string) string {
		var out struct {
			RegisterDataset struct{ Dataset struct{ ID string } }
		}
		f.do(t, tok, leakRegisterDS, map[string]any{"k": key, "ns": "s3://lake-" + m, "n": name + "-" + m, "d": "desc-" + name + "-" + m}, &out)
		return out.RegisterDataset.Dataset.ID
	}
	version := func(tok, ds, m, label, uri, digest string, derivedFrom ...string) string {
		in := map[string]any{"datasetId": ds, "version": label + "-" + m, "uri": uri, "digest": digest, "rowCount": 8,
			"schema": []map[string]any{{"name": "field-" + label + "-" + m, "type": "string"}}}
		if len(derivedFrom) > 0 {
			in["derivedFrom"] = derivedFrom
		}
		var out struct {
			RegisterDatasetVersion struct{ DatasetVersion struct{ ID string } }
		}
		f.do(t, tok, leakRegisterDSV, map[string]any{"in": in}, &out)
		return out.RegisterDatasetVersion.DatasetVersion.ID
	}
	model := func(tok, key, name, runID, m string) string {
		vars := map[string]any{"k": key, "n": name, "u": "s3://models-" + m + "/" + name}
		if runID != "" {
			vars["r"] = runID
		}
		var out struct {
			RegisterModelVersion struct{ ModelVersion struct{ ID string } }
		}
		f.do(t, tok, leakRegisterMV, vars, &out)
		return out.RegisterModelVersion.ModelVersion.ID
	}
	lake := func(m, name string) string { return "s3://lake-" + m + "/" + name + "-" + m }

	// Policies: A needs one approval, a passing bias rule and validated
	// upstream data; H needs an admin.
	f.do(t, aw, leakSetPolicy, map[string]any{"in": map[string]any{"projectKey": a, "requiredApprovals": 1, "allowWarnedValidations": true,
		"biasRules": []map[string]any{{"metric": "DEMOGRAPHIC_PARITY_RATIO", "threshold": 0.5}}}}, nil)
	f.do(t, hw, leakSetPolicy, map[string]any{"in": map[string]any{"projectKey": H, "requiredApprovals": 1, "approverRole": "ADMIN",
		"requireUpstreamValidationsPassed": false}}, nil)

	// H's own graph.
	f.hExp = exp(hw, H, "h-exp-"+hm, "h-exp-desc-"+hm)
	f.hDS = dataset(hw, H, hm, "h-table")
	f.hEvalDS = dataset(hw, H, hm, "h-eval")
	f.hV1 = version(hw, f.hDS, hm, "h-v1", lake(hm, "h-v1"), sha("h-v1"+hm))
	f.hFromA = version(hw, f.hDS, hm, "h-froma", lake(hm, "h-froma"), sha("h-froma"+hm))
	f.hOut = version(hw, f.hDS, hm, "h-out", lake(hm, "h-out"), sha("h-out"+hm))
	hPath, hSum := writeData(t, "h-eval-"+hm+".csv", leakCSV(hm))
	f.hEval = version(hw, f.hEvalDS, hm, "h-evalv", "file://"+hPath, hSum)
	for i := range leakLiveRounds {
		label := fmt.Sprintf("h-live%d", i)
		f.hLive = append(f.hLive, version(hw, f.hDS, hm, label, lake(hm, label), sha(label+hm)))
	}

	// A's own graph.
	f.aExp = exp(aw, a, "a-exp-"+am, "a-exp-desc-"+am)
	f.aDS = dataset(aw, a, am, "a-table")
	f.aDerivedDS = dataset(aw, a, am, "a-derived")
	f.aEvalDS = dataset(aw, a, am, "a-eval")
	f.aV1 = version(aw, f.aDS, am, "a-v1", lake(am, "a-v1"), sha("a-v1"+am))
	aPath, aSum := writeData(t, "a-eval-"+am+".csv", leakCSV(am))
	f.aEval = version(aw, f.aEvalDS, am, "a-evalv", "file://"+aPath, aSum)
	f.aProducedByH = version(aw, f.aDerivedDS, am, "a-byh", lake(am, "a-byh"), sha("a-byh"+am))

	// Link: an A version derived from an H version, and the other way.
	f.aV2FromH = version(aw, f.aDS, am, "a-v2", lake(am, "a-v2"), sha("a-v2"+am), f.hV1)
	f.hDerivedOfA = version(hw, f.hDS, hm, "h-ofa", lake(hm, "h-ofa"), sha("h-ofa"+hm), f.aV1)

	// Link: H's run reads A's and H's data, writes an A version and an H
	// version; H's model is trained by it.
	f.hRun = run(hw, f.hExp, hm, "h-run-"+hm)
	f.do(t, hw, leakInputs, map[string]any{"r": f.hRun, "v": []string{f.aV1, f.hV1, f.hEval}}, nil)
	f.do(t, hw, leakOutputs, map[string]any{"r": f.hRun, "v": []string{f.aProducedByH, f.hOut}}, nil)
	f.hMV = model(hw, H, "h-model-"+hm, f.hRun, hm)

	// Link: A's run reads H's versions and A's, writes an H version and
	// an H model version besides its own.
	f.aRun = run(aw, f.aExp, am, "a-run-"+am)
	f.do(t, aw, leakInputs, map[string]any{"r": f.aRun, "v": []string{f.aV1, f.hV1, f.hEval}}, nil)
	f.do(t, aw, leakOutputs, map[string]any{"r": f.aRun, "v": []string{f.aV2FromH, f.hFromA}, "m": []string{f.hMV}}, nil)

	// Link: A's first model version is trained by H's run (the writer is a
	// contributor of both); the second by A's run, which read H's data.
	f.aMV1 = model(aw, a, "a-model-"+am, f.hRun, am)
	f.aMV2 = model(aw, a, "a-model-"+am, f.aRun, am)
	// Link: H's run also produced A's second model version.
	f.do(t, hw, leakOutputs, map[string]any{"r": f.hRun, "m": []string{f.aMV2}}, nil)

	// Pipelines: each project's own, from OpenLineage events (they cannot
	// name another project's datasets). Link: runs of both projects read
	// A's report, so A's column lineage reaches H's run and H's model.
	f.aPipe = plPipeline(t, h.st, a, am)
	f.hPipe = plPipeline(t, h.st, H, hm)
	f.aPipeRun = run(aw, f.aExp, am, "a-piperun-"+am)
	f.do(t, aw, leakInputs, map[string]any{"r": f.aPipeRun, "v": []string{f.aPipe.reportV}}, nil)
	f.aPipeMV = model(aw, a, "a-pipe-model-"+am, f.aPipeRun, am)
	f.do(t, aw, leakOutputs, map[string]any{"r": f.aPipeRun, "m": []string{f.hMV}}, nil)
	f.hPipeRun = run(hw, f.hExp, hm, "h-piperun-"+hm)
	f.do(t, hw, leakInputs, map[string]any{"r": f.hPipeRun, "v": []string{f.aPipe.reportV, f.hPipe.reportV}}, nil)
	f.do(t, hw, leakOutputs, map[string]any{"r": f.hPipeRun, "m": []string{f.aPipeMV}}, nil)

	// Data quality. H's suite fails on H's evaluation data and checks a
	// column against A's data; A's suite checks a column against H's data.
	hSuite := createSuite(t, h, hw, f.hEvalDS, "h-suite-"+hm, fmt.Sprintf(
		`{"rules": [{"type": "not_null", "column": "sex"}, {"type": "value_between", "column": "y", "min": 5, "max": 9},
		  {"type": "referential_integrity", "column": "sex", "reference": %q}]}`, f.aEval))
	if st := awaitRun(t, h, hw, runValidation(t, h, hw, hSuite, f.hEval)).Status; st != "FAILED" {
		t.Fatalf("H's validation: want FAILED, got %s", st)
	}
	f.do(t, hw, leakRecordResult, map[string]any{"v": f.hV1, "s": "h-ge-" + hm, "r": `{"success": false, "results": []}`}, nil)
	aSuite := createSuite(t, h, aw, f.aEvalDS, "a-suite-"+am, fmt.Sprintf(
		`{"rules": [{"type": "not_null", "column": "sex"}, {"type": "referential_integrity", "column": "sex", "reference": %q}]}`, f.hEval))
	if st := awaitRun(t, h, aw, runValidation(t, h, aw, aSuite, f.aEval)).Status; st != "PASSED" {
		t.Fatalf("A's validation: want PASSED, got %s", st)
	}
	for _, v := range []string{f.aV1, f.aV2FromH, f.aProducedByH} {
		f.do(t, aw, leakRecordResult, map[string]any{"v": v, "s": "a-ge-" + am, "r": `{"success": true, "results": []}`}, nil)
	}

	// Templates: each side applies one of its own, with marked
	// parameters; A's template refers to H's data, H's to A's.
	for _, x := range []struct{ tok, key, m, ds, ref string }{{aw, a, am, f.aEvalDS, f.hEval}, {hw, H, hm, f.hEvalDS, f.aEval}} {
		var tpl struct {
			CreateValidationTemplate struct{ ValidationTemplate struct{ ID string } }
		}
		f.do(t, x.tok, `mutation($k: String!, $n: String!, $d: String!) { createValidationTemplate(input: {projectKey: $k, name: $n,
			description: $n, definition: $d, params: [{name: "col", default: "sex"}, {name: "hi"}, {name: "ref"}], selector: {name: "*"}}) { validationTemplate { id } } }`,
			map[string]any{"k": x.key, "n": "tpl-" + x.m, "d": fmt.Sprintf(
				`{"rules": [{"type": "not_null", "column": "${col}"}, {"type": "value_between", "column": "y", "min": 0, "max": ${hi}},
				  {"type": "referential_integrity", "column": "sex", "reference": %q},
				  {"type": "referential_integrity", "column": "sex", "reference": "${ref}"}]}`, x.ref)}, &tpl)
		f.do(t, x.tok, `mutation($t: ID!, $d: ID!, $n: String!, $r: String!) { applyValidationTemplate(input: {templateId: $t, datasetIds: [$d],
			params: [{name: "hi", value: "9"}, {name: "ref", value: $r}], suiteName: $n}) { suites { id } } }`,
			map[string]any{"t": tpl.CreateValidationTemplate.ValidationTemplate.ID, "d": x.ds, "n": "tpl-suite-" + x.m, "r": x.ref}, nil)
	}

	// Feast: each side's feature view, source, entity and service, as
	// Feast's emitter sends them, named with the side's marker; H's
	// source fails validation, so H's view is at risk.
	for _, x := range []struct{ tok, key, m string }{{aw, a, am}, {hw, H, hm}} {
		ol := openlineage.New(h.st, openlineage.Config{DefaultProject: x.key})
		pipeline := &auth.Principal{Subject: "feast-" + x.m, Roles: map[string]auth.Role{x.key: auth.RoleContributor}}
		for _, name := range []string{"feast-apply-01-complete.json", "feast-apply-02-complete.json"} {
			b, err := os.ReadFile("../openlineage/testdata/events/" + name)
			if err != nil {
				t.Fatal(err)
			}
			event := strings.NewReplacer("hub_demo", "feast_"+x.m, "driver", "driver_"+x.m).Replace(string(b))
			event = regexp.MustCompile(`"runId": "[^"]*"`).ReplaceAllString(event, `"runId": "`+uuid.NewString()+`"`)
			if _, err := ol.Ingest(t.Context(), pipeline, []byte(event)); err != nil {
				t.Fatalf("feast events of %s: %v", x.key, err)
			}
		}
		var views struct {
			FeatureViews struct {
				Edges []struct {
					Node struct{ Sources []struct{ ID string } }
				}
			}
		}
		f.do(t, x.tok, `query($k: String!) { featureViews(projectKey: $k) { edges { node { sources { id } } } } }`, map[string]any{"k": x.key}, &views)
		if len(views.FeatureViews.Edges) != 1 || len(views.FeatureViews.Edges[0].Node.Sources) != 1 {
			t.Fatalf("the feature views of %s: %+v", x.key, views)
		}
		var reg struct {
			RegisterDatasetVersion struct{ DatasetVersion struct{ ID string } }
		}
		f.do(t, x.tok, `mutation($d: ID!, $v: String!, $digest: String!) { registerDatasetVersion(input: {datasetId: $d, version: $v,
			uri: "s3://lake/feast", digest: $digest}) { datasetVersion { id } } }`,
			map[string]any{"d": views.FeatureViews.Edges[0].Node.Sources[0].ID, "v": "feast-" + x.m, "digest": strings.Repeat("cd", 32)}, &reg)
		result := `{"success": true, "results": []}`
		if x.key == H {
			result = geFailure
		}
		f.do(t, x.tok, leakRecordResult, map[string]any{"v": reg.RegisterDatasetVersion.DatasetVersion.ID, "s": "feast-ge-" + x.m, "r": result}, nil)
	}

	// Bias checks: A's model on H's evaluation data, H's model on A's.
	bias := func(tok, mv, data string) string {
		var out struct {
			RunBiasCheck struct{ BiasCheck struct{ ID string } }
		}
		f.do(t, tok, leakBias, map[string]any{"in": map[string]any{"modelVersionId": mv, "datasetVersionId": data, "labelColumn": "y",
			"predictionColumn": "p", "sensitiveColumns": []string{"sex"}, "positiveLabel": "1", "minGroupSize": 2}}, &out)
		return out.RunBiasCheck.BiasCheck.ID
	}
	f.aBias = bias(aw, f.aMV1, f.hEval)
	bias(aw, f.aMV2, f.aEval)
	bias(hw, f.hMV, f.aEval)

	// Reproductions: the original run must be FINISHED with metrics, and
	// the rerun must be in the same project.
	f.aRun2 = run(aw, f.aExp, am, "a-rerun-"+am)
	f.hRun2 = run(hw, f.hExp, hm, "h-rerun-"+hm)
	for _, r := range [][2]string{{aw, f.aRun}, {aw, f.aRun2}, {hw, f.hRun}, {hw, f.hRun2}} {
		f.do(t, r[0], leakFinishRun, map[string]any{"r": r[1]}, nil)
	}
	var rep struct {
		RecordReproduction struct{ Reproduction struct{ ID string } }
	}
	f.do(t, aw, leakRepro, map[string]any{"a": f.aRun, "b": f.aRun2}, &rep)
	f.aRepro = rep.RecordReproduction.Reproduction.ID
	f.do(t, hw, leakRepro, map[string]any{"a": f.hRun, "b": f.hRun2}, nil)

	// Run artifacts (as the MLflow artifact proxy records them; listing
	// reads the graph only, so no bytes are stored): H's training run and
	// A's, a file at the root and one in a directory each.
	for _, r := range []struct{ actor, run, m string }{{"awriter-" + am, f.aRun, am}, {"hwriter-" + hm, f.hRun, hm}, {"hwriter-" + hm, f.hRun2, hm}} {
		for _, p := range []string{"notes-" + r.m + ".txt", "plots-" + r.m + "/roc-" + r.m + ".png"} {
			owner := store.ArtifactOwner{Kind: store.ArtifactOfRun, ID: r.run}
			must(h.st.RecordArtifact(ctxT(t), r.actor, owner, p, sha("artifact"+r.run+p), 42)).of(t)
		}
	}

	// Links the API refuses (asserted, so a change of rule shows up here):
	refusals := []string{
		// recordReproduction: "A FINISHED run of the same project".
		"recordReproduction(A run, H rerun): " + f.refused(t, "cross-project reproduction", aw, leakRepro, map[string]any{"a": f.aRun, "b": f.hRun2}),
		"recordReproduction(H run, A rerun): " + f.refused(t, "cross-project reproduction", hw, leakRepro, map[string]any{"a": f.hRun, "b": f.aRun2}),
		// runValidation: the version must be one of the suite's dataset.
		"runValidation(A suite, H version): " + f.refused(t, "cross-project validation", aw, leakRunValid, map[string]any{"s": aSuite, "v": f.hEval}),
	}
	t.Logf("links the API refuses: %s", strings.Join(refusals, "; "))

	// Promotions: A's model trained by H's run, with a bias check on H's
	// data, approved by a second approver of A so the pack has an approval;
	// A's second version stays open; H has its own.
	req := func(tok, mv, stage, just string) string {
		var out struct {
			RequestPromotion struct{ PromotionRequest struct{ ID, Status string } }
		}
		f.do(t, tok, leakRequest, map[string]any{"mv": mv, "s": stage, "j": just}, &out)
		return out.RequestPromotion.PromotionRequest.ID
	}
	f.aPR1 = req(aw, f.aMV1, "PRODUCTION", "a-just-"+am)
	f.do(t, aDecider, leakApprove, map[string]any{"id": f.aPR1, "c": "a-comment-" + am}, nil)
	f.aPR2 = req(aw, f.aMV2, "STAGING", "a-just2-"+am)
	f.hPR = req(hw, f.hMV, "STAGING", "h-just-"+hm)
	f.do(t, hDecider, leakApprove, map[string]any{"id": f.hPR, "c": "h-comment-" + hm}, nil)

	// Sign-offs: each project's auditor signs off its pack, and H's its
	// governance report, with findings that carry the marker.
	signOff := func(tok, subject string, doc []byte, decision, findings string) {
		in := map[string]any{"subject": subject, "document": string(doc), "decision": decision, "findings": findings}
		f.do(t, tok, leakSignOff, map[string]any{"in": in}, nil)
	}
	pack := func(tok, pr string) []byte {
		var out struct{ EvidencePack json.RawMessage }
		f.do(t, tok, `query($id: ID!) { evidencePack(promotionRequestId: $id) }`, map[string]any{"id": pr}, &out)
		return out.EvidencePack
	}
	aAuditor := token(t, "aauditor-"+am, map[string]auth.Role{a: auth.RoleAuditor})
	hAuditor := token(t, "hauditor-"+hm, map[string]auth.Role{H: auth.RoleAuditor})
	signOff(aAuditor, "EVIDENCE_PACK", pack(aAuditor, f.aPR1), "ACCEPTED", "a-findings-"+am)
	signOff(hAuditor, "EVIDENCE_PACK", pack(hAuditor, f.hPR), "REJECTED", "h-findings-"+hm)
	signOff(hAuditor, "GOVERNANCE_REPORT", []byte(`{"governanceReport":{"projectKey":"`+H+`","note":"h-report-`+hm+`"}}`), "ACCEPTED", "h-report-findings-"+hm)
	return f
}

// leakSecret is one string of H.
type leakSecret struct {
	value string
	b     []byte
	kind  string // Label.property
}

var (
	leakHexDigest = regexp.MustCompile(`^(sha256:)?[0-9a-f]{64}$`)
	leakUUID      = regexp.MustCompile(`^[a-z]+_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$`)
)

// collectLeakSecrets reads every node of H from Neo4j (its events
// included) and keeps each string that is H's: its IDs, anything carrying
// H's marker, and its digests (any 64-hex string but A's data digests).
// Event hashes are left out on purpose: the log is one global hash chain,
// so an A event's prevHash is whatever event came before it, by design.
// A secret's kind is where it is first found: nodes before events, id
// first, so an ID is "DatasetVersion.id" rather than an event's payload.
func collectLeakSecrets(t *testing.T, f *leakFixture) []*leakSecret {
	t.Helper()
	rows := must(neo4jQuery(t, `
		MATCH (n) WHERE n.projectKey = $h RETURN labels(n) AS labels, properties(n) AS props
		UNION ALL
		MATCH (n:Project {key: $h}) RETURN labels(n) AS labels, properties(n) AS props`, map[string]any{"h": f.hk})).of(t)
	hIDs := map[string]bool{}
	events := 0
	for _, r := range rows {
		if id, ok := r["props"].(map[string]any)["id"].(string); ok {
			hIDs[id] = true
		}
		if leakLabel(r["labels"]) == "Event" {
			events++
		}
	}
	sort.SliceStable(rows, func(i, j int) bool {
		return leakLabel(rows[i]["labels"]) != "Event" && leakLabel(rows[j]["labels"]) == "Event"
	})
	// A's own data digests may sit in H's nodes legitimately (H's bias
	// check of A's data records A's digest): they are A's, not secrets.
	aDigests := map[string]bool{}
	for _, r := range must(neo4jQuery(t, `MATCH (v:DatasetVersion {projectKey: $a}) RETURN v.digest AS d`, map[string]any{"a": f.a})).of(t) {
		d, _ := r["d"].(string)
		aDigests[d] = true
	}
	seen := map[string]*leakSecret{}
	add := func(v, kind string) {
		if len(v) < 8 || seen[v] != nil || aDigests[v] {
			return
		}
		seen[v] = &leakSecret{value: v, b: []byte(v), kind: kind}
	}
	consider := func(v, kind string) {
		switch {
		case hIDs[v]:
			add(v, kind)
			if m := leakUUID.FindStringSubmatch(v); m != nil {
				add(m[1], kind+" (bare uuid)")
			}
		case strings.Contains(v, f.hm):
			add(v, kind)
		case strings.HasPrefix(v, "whsec_"):
			add(v, kind) // a webhook's signing secret
		case leakHexDigest.MatchString(v):
			add(v, kind) // a digest of H's data, or of its code or image
			add(strings.TrimPrefix(v, "sha256:"), kind)
		}
	}
	// Strings that hold JSON (params, payloads, reports) are walked too.
	var walk func(x any, kind string)
	walk = func(x any, kind string) {
		switch x := x.(type) {
		case string:
			consider(x, kind)
			var j any
			if (strings.HasPrefix(x, "{") || strings.HasPrefix(x, "[")) && json.Unmarshal([]byte(x), &j) == nil {
				walk(j, kind)
			}
		case []any:
			for _, e := range x {
				walk(e, kind)
			}
		case map[string]any:
			for k, e := range x {
				consider(k, kind)
				walk(e, kind+"."+k)
			}
		}
	}
	for _, r := range rows {
		label := leakLabel(r["labels"])
		props := r["props"].(map[string]any)
		keys := slices.Sorted(mapKeys(props))
		if i := slices.Index(keys, "id"); i > 0 {
			keys = append(append([]string{"id"}, keys[:i]...), keys[i+1:]...)
		}
		for _, k := range keys {
			v := props[k]
			if label == "Event" && (k == "hash" || k == "prevHash") {
				continue
			}
			kind := label + "." + k
			if k == "actor" || strings.HasSuffix(k, "By") {
				kind = "actor"
			}
			walk(v, kind)
		}
	}
	add(f.hk, "Project.key")
	out := make([]*leakSecret, 0, len(seen))
	for _, s := range seen {
		out = append(out, s)
	}
	// Longest first: a string holding several secrets is reported under
	// the most specific (a URI before the namespace inside it).
	sort.Slice(out, func(i, j int) bool {
		if len(out[i].value) != len(out[j].value) {
			return len(out[i].value) > len(out[j].value)
		}
		return out[i].value < out[j].value
	})
	kinds := map[string]int{}
	for _, s := range out {
		kinds[strings.SplitN(s.kind, ".", 2)[0]]++
	}
	if len(hIDs) < 20 || events < 20 || kinds["DatasetVersion"] == 0 || kinds["actor"] == 0 {
		t.Fatalf("too few secrets of H to prove anything: %d IDs, %d events, kinds %v", len(hIDs), events, kinds)
	}
	// Only H's strings are secrets: nothing of A may be among them.
	aRows := must(neo4jQuery(t, `MATCH (n) WHERE n.projectKey = $a AND NOT n:Event RETURN n.id AS id`, map[string]any{"a": f.a})).of(t)
	for _, r := range aRows {
		if id, _ := r["id"].(string); seen[id] != nil {
			t.Fatalf("A's ID %s is among H's secrets", id)
		}
	}
	return out
}

func leakLabel(labels any) string {
	ls, _ := labels.([]any)
	for _, l := range ls {
		if s, _ := l.(string); s != "" && s != "Node" {
			return s
		}
	}
	return "?"
}
