package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/evidence"
	"github.com/exphub/exphub/internal/evidence/evidencetest"
)

// evidenceFixture writes packs into a temporary folder: pack.json is
// consistent, tampered.json has an edited approval event, foreign.json is
// JSON of another kind. It returns the folder and the consistent pack's
// JSON.
func evidenceFixture(t *testing.T) (dir string, good []byte) {
	t.Helper()
	dir = t.TempDir()
	p := evidencetest.Pack(t)
	good, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	i := evidencetest.EventIndex(t, p, "PROMOTION_APPROVED", evidencetest.Approver1)
	p.Audit.Events[i].Actor = "mallory"
	tampered, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"pack.json":     good,
		"tampered.json": tampered,
		"foreign.json":  []byte(`{"data":{"evidencePack":null}}`),
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir, good
}

// runEvidenceCapture runs "hubctl evidence args..." with stdin and returns
// its exit code and outputs.
func runEvidenceCapture(t *testing.T, stdin []byte, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := runEvidence(args, func(string) string { return "" }, bytes.NewReader(stdin), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// evidenceContains fails the test for each of want that is not in got, which
// is what.
func evidenceContains(t *testing.T, what, got string, want []string) {
	t.Helper()
	for _, s := range want {
		if !strings.Contains(got, s) {
			t.Errorf("%s does not contain %q:\n%s", what, s, got)
		}
	}
}

func TestEvidenceVerify(t *testing.T) {
	dir, good := evidenceFixture(t)
	file := func(name string) string { return filepath.Join(dir, name) }
	p := evidencetest.Pack(t)
	consistent := "pack consistent: 9 events, chain seq 1201..1217, head 1223 (" + p.Audit.Head.Hash + ")\n" +
		"checkpoint: no checkpoint: the pack's events are checked against each other and their hashes, not against a signed log head\n"

	tests := []struct {
		name   string
		args   []string
		stdin  []byte
		code   int
		stdout []string // substrings; exactly the two lines when consistent
		stderr []string
	}{
		{name: "consistent", args: []string{"verify", file("pack.json")}, code: exitOK, stdout: []string{consistent}},
		{name: "stdin", args: []string{"verify", "-"}, stdin: good, code: exitOK, stdout: []string{consistent}},
		{name: "flag after the file", args: []string{"verify", file("pack.json"), "--json"}, code: exitOK, stdout: []string{`"ok": true`}},
		{name: "tampered", args: []string{"verify", file("tampered.json")}, code: exitError,
			stdout: []string{"audit.events[4]: seq 1212 (PROMOTION_APPROVED): content does not match its hash",
				"promotionRequest.approvals[0]: APPROVED by carol has no PROMOTION_APPROVED event by carol"},
			stderr: []string{"problem(s) found"}},
		{name: "missing file", args: []string{"verify", file("nope.json")}, code: exitUsage, stderr: []string{"no such file"}},
		{name: "graphql response", args: []string{"verify", file("foreign.json")}, code: exitUsage, stderr: []string{"not an evidence pack", "data.evidencePack"}},
		{name: "not JSON on stdin", args: []string{"verify", "-"}, stdin: []byte("hello"), code: exitUsage, stderr: []string{"standard input: not an evidence pack"}},
		{name: "no file", args: []string{"verify"}, code: exitUsage, stderr: []string{"the pack file is required", "hubctl evidence verify [--json]"}},
		{name: "two files", args: []string{"verify", file("pack.json"), file("tampered.json")}, code: exitUsage, stderr: []string{"unexpected argument"}},
		{name: "unknown flag", args: []string{"verify", "--yaml", file("pack.json")}, code: exitUsage, stderr: []string{"flag provided but not defined: -yaml"}},
		{name: "help", args: []string{"verify", "-h"}, code: exitOK, stderr: []string{"Exit status"}},
		{name: "no subcommand", args: nil, code: exitUsage, stderr: []string{"no subcommand given"}},
		{name: "unknown subcommand", args: []string{"sign"}, code: exitUsage, stderr: []string{`unknown subcommand "sign"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runEvidenceCapture(t, tt.stdin, tt.args...)
			if code != tt.code {
				t.Errorf("exit code = %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, stdout, stderr)
			}
			evidenceContains(t, "stdout", stdout, tt.stdout)
			evidenceContains(t, "stderr", stderr, tt.stderr)
			if tt.code == exitOK && len(tt.stdout) > 0 && tt.stdout[0] == consistent && stdout != consistent {
				t.Errorf("stdout = %q, want exactly %q", stdout, consistent)
			}
		})
	}
}

func TestEvidenceVerifyJSON(t *testing.T) {
	dir, _ := evidenceFixture(t)
	tests := []struct {
		name     string
		file     string
		code     int
		ok       bool
		problems int // at least
	}{
		{name: "consistent", file: "pack.json", code: exitOK, ok: true},
		{name: "tampered", file: "tampered.json", code: exitError, problems: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCapture(t, env(nil), "evidence", "verify", "--json", filepath.Join(dir, tt.file))
			if code != tt.code {
				t.Fatalf("exit code = %d, want %d\nstderr:\n%s", code, tt.code, stderr)
			}
			var got struct {
				OK        bool               `json:"ok"`
				Problems  []evidence.Problem `json:"problems"`
				Events    int                `json:"events"`
				ChainFrom int64              `json:"chainFrom"`
				ChainTo   int64              `json:"chainTo"`
				Head      evidence.Link      `json:"head"`
			}
			if err := json.Unmarshal([]byte(stdout), &got); err != nil {
				t.Fatalf("output is not JSON: %v\n%s", err, stdout)
			}
			if got.OK != tt.ok || len(got.Problems) < tt.problems || (tt.ok && len(got.Problems) > 0) {
				t.Errorf("ok = %v with %d problems, want ok = %v with at least %d:\n%s", got.OK, len(got.Problems), tt.ok, tt.problems, stdout)
			}
			if !strings.Contains(stdout, `"problems": [`) {
				t.Errorf("problems is not a list:\n%s", stdout)
			}
			if got.Events != 9 || got.ChainFrom != 1201 || got.ChainTo != 1217 || got.Head.Seq != 1223 {
				t.Errorf("events %d, chain %d..%d, head %d; want 9, 1201..1217, 1223", got.Events, got.ChainFrom, got.ChainTo, got.Head.Seq)
			}
		})
	}
}

func TestEvidenceRender(t *testing.T) {
	dir, good := evidenceFixture(t)
	file := func(name string) string { return filepath.Join(dir, name) }
	tests := []struct {
		name   string
		args   []string
		stdin  []byte
		code   int
		out    string   // the -o file, relative to dir; empty: stdout
		report []string // substrings of the report
		stderr []string
	}{
		{name: "markdown to stdout", args: []string{"render", file("pack.json")}, code: exitOK,
			report: []string{"# Evidence: fraud-detector v3 → PRODUCTION", "the pack is consistent", "| carol | APPROVED |"}},
		{name: "markdown from stdin", args: []string{"render", "--format", "markdown", "-"}, stdin: good, code: exitOK,
			report: []string{"# Evidence: fraud-detector v3"}},
		{name: "html to a file", args: []string{"render", "--format", "html", "-o", file("report.html"), file("pack.json")}, code: exitOK,
			out: "report.html", report: []string{"<!DOCTYPE html>", "<h1>Evidence: fraud-detector v3 → PRODUCTION</h1>", "banner ok"}},
		{name: "flags after the file", args: []string{"render", file("pack.json"), "-o", file("report.md")}, code: exitOK,
			out: "report.md", report: []string{"## Audit trail"}},
		{name: "problems are reported, not fatal", args: []string{"render", file("tampered.json")}, code: exitOK,
			report: []string{"Verification found 3 problems", "content does not match its hash"},
			stderr: []string{"the pack has 3 problem(s)"}},
		{name: "bad format", args: []string{"render", "--format", "pdf", file("pack.json")}, code: exitUsage, stderr: []string{"--format must be markdown or html"}},
		{name: "no file", args: []string{"render", "--format", "html"}, code: exitUsage, stderr: []string{"the pack file is required"}},
		{name: "undecodable pack", args: []string{"render", file("foreign.json")}, code: exitUsage, stderr: []string{"not an evidence pack"}},
		{name: "unwritable output", args: []string{"render", "-o", filepath.Join(dir, "no", "such", "dir.md"), file("pack.json")}, code: exitError,
			stderr: []string{"write the report"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runEvidenceCapture(t, tt.stdin, tt.args...)
			if code != tt.code {
				t.Errorf("exit code = %d, want %d\nstderr:\n%s", code, tt.code, stderr)
			}
			report := stdout
			if tt.out != "" {
				if stdout != "" {
					t.Errorf("with -o, stdout = %q, want nothing", stdout)
				}
				b, err := os.ReadFile(filepath.Join(dir, tt.out))
				if err != nil {
					t.Fatalf("the report file: %v", err)
				}
				report = string(b)
			}
			evidenceContains(t, "the report", report, tt.report)
			evidenceContains(t, "stderr", stderr, tt.stderr)
		})
	}
}

func TestEvidenceInMainUsage(t *testing.T) {
	code, _, stderr := runCapture(t, env(nil), "help")
	if code != exitOK || !strings.Contains(stderr, "\n  evidence   fetch") {
		t.Errorf("help = %d, %q; want the evidence command listed", code, stderr)
	}
}

// TestEvidenceRunArtifacts: verify checks the run artifacts' digests
// against the audit, render lists them, and a pack of the format before
// them still verifies.
func TestEvidenceRunArtifacts(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, p *evidence.Pack) string {
		t.Helper()
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	good := write("artifacts.json", evidencetest.WithArtifacts(t, evidencetest.Pack(t)))
	altered := evidencetest.WithArtifacts(t, evidencetest.Pack(t))
	altered.RunArtifacts[1].SHA256 = strings.Repeat("ab", 32)
	bad := write("altered.json", altered)
	v2 := evidencetest.Pack(t)
	v2.Format = evidence.FormatV2
	old := write("v2.json", v2)

	for _, tt := range []struct {
		name   string
		args   []string
		code   int
		stdout []string
	}{
		{"consistent", []string{"verify", good}, exitOK, []string{"pack consistent"}},
		{"altered digest", []string{"verify", bad}, exitError, []string{"runArtifacts[1]", "plots/roc curve.png", "but the audit recorded " + evidencetest.PlotDigest}},
		{"a version 2 pack", []string{"verify", old}, exitOK, []string{"pack consistent"}},
		{"render", []string{"render", good}, exitOK, []string{"## Run artifacts", "model/model.pkl", evidencetest.ModelFileDigest}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runEvidenceCapture(t, nil, tt.args...)
			if code != tt.code {
				t.Errorf("exit code = %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, stdout, stderr)
			}
			evidenceContains(t, "stdout", stdout, tt.stdout)
		})
	}
}
