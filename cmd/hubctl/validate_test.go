package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/quality"
)

// validateFixture writes a data file, a reference file and suites into a
// temporary folder and returns its path.
func validateFixture(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"orders.csv":    "id,customer,amount\n1,7,10.5\n2,8,3\n3,7,\n",
		"customers.csv": "id\n7\n8\n",
		"pass.yaml": `name: orders
rules:
  - {type: unique, column: id}
  - {type: referential_integrity, column: customer, reference: customers.csv, reference_column: id}
  - {type: value_between, column: amount, min: 0}
`,
		"fail.yaml": `name: orders
rules:
  - {type: not_null, column: amount}
  - {type: row_count_between, min: 1}
`,
		"warn.yaml": `name: orders
rules:
  - {type: not_null, column: amount, severity: warn}
`,
		"error.yaml": `name: orders
rules:
  - {type: not_null, column: nope}
`,
		"precise.yaml": `name: big
rules:
  - {type: not_null, column: amount}
  - {type: aggregate_between, aggregate: max, column: amount, max: 200000}
`,
		"invalid.yaml": `name: orders
rules:
  - {type: value_between, column: amount, min: 5, max: 1}
`,
	}
	// 100,000 amounts, one missing, the largest with 8 significant digits.
	var big strings.Builder
	big.WriteString("id,amount\n")
	for i := range 100000 {
		switch i {
		case 500:
			fmt.Fprintf(&big, "%d,\n", i)
		case 700:
			fmt.Fprintf(&big, "%d,104901.63\n", i)
		default:
			fmt.Fprintf(&big, "%d,1.5\n", i)
		}
	}
	files["big.csv"] = big.String()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestValidate(t *testing.T) {
	dir := validateFixture(t)
	data := filepath.Join(dir, "orders.csv")
	raw, err := os.ReadFile(data)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(raw)
	digest := hex.EncodeToString(sum[:])
	suite := func(name string) string { return filepath.Join(dir, name) }

	tests := []struct {
		name       string
		args       []string
		code       int
		stdout     []string // substrings
		stderr     []string
		wantStatus quality.Status // with --json
	}{
		{name: "pass", args: []string{"--suite", suite("pass.yaml"), "--data", data, "--digest", digest}, code: exitOK,
			stdout: []string{"RULE", "referential_integrity", "customer", "PASSED", "status: PASSED (3 passed, 0 failed, 0 errored)", "sha256 " + digest}},
		{name: "error-severity failure", args: []string{"--suite", suite("fail.yaml"), "--data", data}, code: exitError,
			stdout: []string{"not_null", "amount", "error", "FAILED", "0.6666666666666666", "33.33% (1)", "rule 0 (not_null) FAILED", "e.g. row 3: null", "status: FAILED"}},
		{name: "observed values as recorded, small shares not shown as none", args: []string{"--suite", suite("precise.yaml"), "--data", filepath.Join(dir, "big.csv")},
			code: exitError, stdout: []string{"104901.63", "0.001% (1)"}},
		{name: "warn-severity failure exits 0", args: []string{"--suite", suite("warn.yaml"), "--data", data}, code: exitOK,
			stdout: []string{"warn", "FAILED", "status: WARNED"}},
		{name: "rule error", args: []string{"--suite", suite("error.yaml"), "--data", data}, code: exitError,
			stdout: []string{`column "nope" not found (columns: id, customer, amount)`, "status: ERROR"}},
		{name: "digest mismatch", args: []string{"--suite", suite("pass.yaml"), "--data", data, "--digest", strings.Repeat("ab", 32)}, code: exitError,
			stdout: []string{"ERROR INTEGRITY", "status: ERROR"}},
		{name: "json", args: []string{"--suite", suite("fail.yaml"), "--data", data, "--json"}, code: exitError, wantStatus: quality.StatusFailed},
		{name: "json warn", args: []string{"--json", "--suite", suite("warn.yaml"), "--data", "file://" + filepath.ToSlash(data)}, code: exitOK, wantStatus: quality.StatusWarned},
		{name: "csv flags", args: []string{"--suite", suite("fail.yaml"), "--data", data, "--delimiter", `\t`, "--no-header"}, code: exitError,
			stdout: []string{`column "amount" not found`}},
		{name: "missing data file", args: []string{"--suite", suite("pass.yaml"), "--data", filepath.Join(dir, "nope.csv")}, code: exitError,
			stdout: []string{"ERROR SOURCE", "no such file"}},

		{name: "no suite", args: []string{"--data", data}, code: exitUsage, stderr: []string{"--suite is required"}},
		{name: "no data", args: []string{"--suite", suite("pass.yaml")}, code: exitUsage, stderr: []string{"--data is required"}},
		{name: "bad format", args: []string{"--suite", suite("pass.yaml"), "--data", data, "--format", "xlsx"}, code: exitUsage, stderr: []string{"--format must be"}},
		{name: "bad digest", args: []string{"--suite", suite("pass.yaml"), "--data", data, "--digest", "abc"}, code: exitUsage, stderr: []string{"--digest must be a hex sha256"}},
		{name: "bad delimiter", args: []string{"--suite", suite("pass.yaml"), "--data", data, "--delimiter", ";;"}, code: exitUsage, stderr: []string{"--delimiter must be one ASCII character"}},
		{name: "invalid suite", args: []string{"--suite", suite("invalid.yaml"), "--data", data}, code: exitUsage, stderr: []string{"rules[0].min: min (5) is greater than max (1)"}},
		{name: "missing suite", args: []string{"--suite", suite("nope.yaml"), "--data", data}, code: exitUsage, stderr: []string{"read suite"}},
		{name: "push without a version", args: []string{"--suite", suite("pass.yaml"), "--data", data, "--push", "--dataset", "s3://lake/orders"}, code: exitUsage, stderr: []string{"--push needs --version"}},
		{name: "push without a dataset", args: []string{"--suite", suite("pass.yaml"), "--data", data, "--push", "--version", "v1"}, code: exitUsage, stderr: []string{"--push needs --dataset"}},
		{name: "a malformed dataset name", args: []string{"--suite", suite("pass.yaml"), "--data", data, "--push", "--version", "v1", "--dataset", "orders"}, code: exitUsage, stderr: []string{"--dataset must be NAMESPACE/NAME"}},
		{name: "version without push", args: []string{"--suite", suite("pass.yaml"), "--data", data, "--version", "v1"}, code: exitUsage, stderr: []string{"only go with --push"}},
		{name: "extra argument", args: []string{"--suite", suite("pass.yaml"), "--data", data, "more"}, code: exitUsage, stderr: []string{`unexpected argument "more"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCapture(t, env(nil), append([]string{"validate"}, tt.args...)...)
			if code != tt.code {
				t.Errorf("exit code = %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, stdout, stderr)
			}
			for _, s := range tt.stdout {
				if !strings.Contains(stdout, s) {
					t.Errorf("stdout does not contain %q:\n%s", s, stdout)
				}
			}
			for _, s := range tt.stderr {
				if !strings.Contains(stderr, s) {
					t.Errorf("stderr does not contain %q:\n%s", s, stderr)
				}
			}
			if tt.wantStatus != "" {
				var res quality.Result
				if err := json.Unmarshal([]byte(stdout), &res); err != nil {
					t.Fatalf("--json output is not a result: %v\n%s", err, stdout)
				}
				if res.Status != tt.wantStatus || res.Engine != "exphub" || len(res.Rules) == 0 {
					t.Errorf("result = %+v, want status %s", res, tt.wantStatus)
				}
			}
		})
	}
}
