package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/jsonlimit"
)

// logBatchBody is a log-batch request of n points of one key, as the
// mlflow client sends it.
func logBatchBody(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"run_id": "0123456789abcdef0123456789abcdef", "metrics": [`)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, `{"key": "loss", "value": %v, "timestamp": %d, "step": %d}`, 1/float64(i+1), 1764900000000+int64(i), i)
	}
	b.WriteString(`], "params": [], "tags": []}`)
	return b.Bytes()
}

// BenchmarkLogBatchDecode: decoding a log-batch of 1,000 points as the
// handler does.
func BenchmarkLogBatchDecode(b *testing.B) {
	body := logBatchBody(1000)
	for b.Loop() {
		var req struct {
			mlflowRunRef
			Metrics []mlflowMetric `json:"metrics"`
			Params  []mlflowKV     `json:"params"`
			Tags    []mlflowKV     `json:"tags"`
		}
		r := httptest.NewRequest("POST", "/api/2.0/mlflow/runs/log-batch", bytes.NewReader(body))
		if err := mlflowDecode(r, &req); err != nil || len(req.Metrics) != 1000 {
			b.Fatal(err, len(req.Metrics))
		}
	}
}

// FuzzMLflowDecodeReadsWhatEncodingJSONReads holds mlflowDecode's decoder
// to encoding/json on log-batch requests: the same values for what both
// accept (protobuf's NaN and int64 strings, field names in another case,
// escapes, unknown and repeated fields, nulls), and a refusal for what
// encoding/json refuses. go test runs the seeds; go test -fuzz looks
// further.
func FuzzMLflowDecodeReadsWhatEncodingJSONReads(f *testing.F) {
	type logBatch struct {
		mlflowRunRef
		Metrics []mlflowMetric `json:"metrics"`
		Params  []mlflowKV     `json:"params"`
		Tags    []mlflowKV     `json:"tags"`
	}
	for _, body := range []string{
		string(logBatchBody(3)),
		`{"run_id": "r1", "metrics": [{"key": "a", "value": "NaN", "timestamp": "17", "step": "-3"}, {"key": "b", "value": "-Infinity"}]}`,
		`{"RUN_ID": "r2", "Metrics": [{"KEY": "a\u00e9\"\\", "Value": 1e-7, "TimeStamp": 5, "STEP": 0}]}`,
		`{"run_id": "r3", "unknown": {"deep": [1, {"x": null}]}, "metrics": [{"key": "a", "value": 2, "extra": [1, 2]}], "params": [{"key": "p", "value": "v"}]}`,
		`{"run_id": "r4", "run_id": "r5", "metrics": null, "tags": [{"key": "t", "value": null}]}`,
		`{"run_uuid": "u1", "metrics": [{"key": "a", "value": 1.5, "step": 9007199254740993}]}`,
		`  {"run_id" : "r6" ,"metrics":[ ] }  `,
		`{}`,
		`{"run_id": "r7", "metrics": [{"key": "a", "value": "one"}]}`,
		`{"run_id": "r8", "metrics": [{"key": "a", "value": 1, "step": 1.5}]}`,
		`{"run_id": "r9", "metrics": [{"key": "a", "value": 1}`,
		`{"run_id": 7}`,
		`{"run_id": "r10", "metrics": {"key": "a"}}`,
		`{"run_id": "r11"} trailing`,
		`[1, 2]`,
		`{"run_id": "r12", "x": ` + strings.Repeat("[", jsonlimit.MaxDepth-1) + strings.Repeat("]", jsonlimit.MaxDepth-1) + `}`,
		`{"run_id": "r13", "x": ` + strings.Repeat("[", jsonlimit.MaxDepth) + strings.Repeat("]", jsonlimit.MaxDepth) + `}`,
		`{"run_id": "[[[[\"{{{{", "metrics": []}`,
	} {
		f.Add(body)
	}
	f.Fuzz(func(t *testing.T, body string) {
		var want logBatch
		wantErr := json.Unmarshal([]byte(body), &want)
		var got logBatch
		r := httptest.NewRequest("POST", "/api/2.0/mlflow/runs/log-batch", strings.NewReader(body))
		gotErr := mlflowDecode(r, &got)
		if strings.TrimSpace(body) == "" {
			return // an empty body is {} to mlflowDecode, an error to encoding/json
		}
		if wantErr == nil && jsonDepth(t, body) > jsonlimit.MaxDepth {
			if gotErr == nil || !strings.Contains(gotErr.Error(), "nested deeper than") {
				t.Fatalf("%q nests %d deep: error %v, want it refused", body, jsonDepth(t, body), gotErr)
			}
			return
		}
		if (gotErr != nil) != (wantErr != nil) {
			t.Fatalf("%q: error %v, encoding/json's %v", body, gotErr, wantErr)
		}
		if wantErr != nil {
			if !errors.Is(gotErr, errs.Invalid) || !strings.Contains(gotErr.Error(), "malformed request") {
				t.Fatalf("%q: %v, want a malformed request", body, gotErr)
			}
			return
		}
		if g, w := fmt.Sprintf("%#v", got), fmt.Sprintf("%#v", want); g != w {
			t.Fatalf("%q:\n got %s\nwant %s", body, g, w)
		}
	})
}

// jsonDepth is how deep valid JSON text nests, from encoding/json's own
// reading of it (an oracle independent of nestedAtMost).
func jsonDepth(t *testing.T, body string) int {
	var v any
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("%q: %v", body, err)
	}
	var depth func(any) int
	depth = func(v any) int {
		d := 0
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				d = max(d, depth(e))
			}
		case map[string]any:
			for _, e := range x {
				d = max(d, depth(e))
			}
		default:
			return 0
		}
		return d + 1
	}
	return depth(v)
}

// A request nested deeper than MLflow's messages is refused before it is
// decoded, cheaply whatever its size (the decoder has no bound of its own
// and took a second over 4 MiB of brackets).
func TestMLflowDecodeRefusesDeepNesting(t *testing.T) {
	const n = 2 << 20
	for _, body := range []string{
		`{"run_id": "r", "x": ` + strings.Repeat("[", n) + strings.Repeat("]", n) + `}`,
		`{"run_id": "r", "x": ` + strings.Repeat(`{"a":`, n/5) + "1" + strings.Repeat("}", n/5) + `}`,
	} {
		var req struct{ mlflowRunRef }
		err := mlflowDecode(httptest.NewRequest("POST", "/api/2.0/mlflow/runs/log-batch", strings.NewReader(body)), &req)
		if !errors.Is(err, errs.Invalid) || !strings.Contains(err.Error(), "nested deeper than 64 levels") {
			t.Errorf("%.30q…: %v, want refused as nested too deep", body, err)
		}
		if req.RunID != "" {
			t.Errorf("%.30q…: decoded run_id %q from a refused request", body, req.RunID)
		}
	}
}
