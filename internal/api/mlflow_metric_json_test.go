package api

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"testing"
)

// referenceMetric is mlflowMetric written by encoding/json field by
// field, its value by json.Marshal of the float64 (protobuf's strings for
// the values JSON has no number for): the form metricList must match byte
// for byte.
type referenceMetric struct {
	Key       string          `json:"key"`
	Value     referenceDouble `json:"value"`
	Timestamp int64           `json:"timestamp"`
	Step      int64           `json:"step"`
}

type referenceDouble float64

func (d referenceDouble) MarshalJSON() ([]byte, error) {
	switch f := float64(d); {
	case math.IsNaN(f):
		return []byte(`"NaN"`), nil
	case math.IsInf(f, 0):
		if f > 0 {
			return []byte(`"Infinity"`), nil
		}
		return []byte(`"-Infinity"`), nil
	default:
		return json.Marshal(f)
	}
}

func metricSample(n int) []mlflowMetric {
	r := rand.New(rand.NewPCG(1, 2))
	edges := []float64{0, math.Copysign(0, -1), 1, -1, 1e-6, 9.99e-7, 1e-7, -1e-7, 1e20, 1e21, 1.5e21, 1e-300, 1e300,
		math.MaxFloat64, math.SmallestNonzeroFloat64, 0.1, 1.0 / 3, 123456789.125, math.NaN(), math.Inf(1), math.Inf(-1)}
	keys := []string{"auc", "loss/val", "q\"uote", "\u2028 sep", "<tag>&", "ünï"}
	out := make([]mlflowMetric, n)
	for i := range out {
		v := r.NormFloat64() * math.Pow(10, float64(r.IntN(60)-30))
		if i < len(edges) {
			v = edges[i]
		}
		out[i] = mlflowMetric{Key: keys[(i/7)%len(keys)], Value: protoDouble(v), Timestamp: protoInt(r.Int64N(1 << 42)), Step: protoInt(r.Int64N(1<<40) - 1<<39)}
	}
	return out
}

// TestHistoryAnswerIsEncode: get-history's answer, written in one buffer,
// is what json.Encoder writes for the same metrics and page token, edge
// values included (exponent forms, negative zero, NaN and infinities as
// protobuf's strings, keys and tokens that need escaping).
func TestHistoryAnswerIsEncode(t *testing.T) {
	for _, next := range []string{"", "MjUwMDA=", "<&\u2028\"x"} {
		ms := metricSample(5000)
		ref := make([]referenceMetric, len(ms))
		for i, m := range ms {
			ref[i] = referenceMetric{m.Key, referenceDouble(m.Value), int64(m.Timestamp), int64(m.Step)}
		}
		v := map[string]any{"metrics": ref}
		if next != "" {
			v["next_page_token"] = next
		}
		var want bytes.Buffer
		if err := json.NewEncoder(&want).Encode(v); err != nil {
			t.Fatal(err)
		}
		w := httptest.NewRecorder()
		writeMLflowJSON(w, http.StatusOK, historyAnswer{metrics: ms, next: next})
		if got := w.Body.Bytes(); !bytes.Equal(got, want.Bytes()) {
			i := 0
			for i < min(len(got), want.Len()) && got[i] == want.Bytes()[i] {
				i++
			}
			t.Fatalf("next %q: the bytes differ at %d:\n got %.80q\nwant %.80q", next, i, got[i:], want.Bytes()[i:])
		}
	}
}

// BenchmarkMetricHistoryEncode: a full get-history page (25,000 points)
// written as the handler writes it, and field by field as before.
func BenchmarkMetricHistoryEncode(b *testing.B) {
	ms := metricSample(25000)
	for _, a := range []struct {
		name string
		v    any
	}{{"fields", map[string]any{"metrics": ms}}, {"one-buffer", historyAnswer{metrics: ms}}} {
		b.Run(a.name, func(b *testing.B) {
			for b.Loop() {
				writeMLflowJSON(httptest.NewRecorder(), http.StatusOK, a.v)
			}
		})
	}
}
