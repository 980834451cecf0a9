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

// TestMLflowDecodeReadsWhatEncodingJSONReads holds mlflowDecode's decoder
// to encoding/json on log-batch requests: the same values for what both
// accept (protobuf's NaN and int64 strings, field names in another case,
// escapes, unknown and repeated fields, nulls), and a refusal for what
// encoding/json refuses.
func TestMLflowDecodeReadsWhatEncodingJSONReads(t *testing.T) {
	type logBatch struct {
		mlflowRunRef
		Metrics []mlflowMetric `json:"metrics"`
		Params  []mlflowKV     `json:"params"`
		Tags    []mlflowKV     `json:"tags"`
	}
	bodies := []string{
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
	}
	for _, body := range bodies {
		var want logBatch
		wantErr := json.Unmarshal([]byte(body), &want)
		var got logBatch
		r := httptest.NewRequest("POST", "/api/2.0/mlflow/runs/log-batch", strings.NewReader(body))
		gotErr := mlflowDecode(r, &got)
		if (gotErr != nil) != (wantErr != nil) {
			t.Errorf("%.60s: error %v, encoding/json's %v", body, gotErr, wantErr)
			continue
		}
		if wantErr != nil {
			if !errors.Is(gotErr, errs.Invalid) || !strings.Contains(gotErr.Error(), "malformed request") {
				t.Errorf("%.60s: %v, want a malformed request", body, gotErr)
			}
			continue
		}
		if g, w := fmt.Sprintf("%#v", got), fmt.Sprintf("%#v", want); g != w {
			t.Errorf("%.60s:\n got %s\nwant %s", body, g, w)
		}
	}
}
