package mlflowimport

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// TestListingsEnd: a source that keeps answering with the same page token,
// or with a new one forever, cannot keep an import listing: the first
// stops at once, the second at the page bound.
func TestListingsEnd(t *testing.T) {
	var calls atomic.Int64
	same := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		json.NewEncoder(w).Encode(map[string]any{"experiments": []any{map[string]any{"experiment_id": "1", "name": "x"}}, "next_page_token": "again"})
	}))
	defer same.Close()
	_, err := (&Client{Base: same.URL}).Experiments(context.Background())
	if err == nil || !strings.Contains(err.Error(), "twice") || calls.Load() > 3 {
		t.Errorf("a repeated page token: %v after %d calls", err, calls.Load())
	}

	var n atomic.Int64
	endless := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{"runs": []any{}, "next_page_token": "p" + itoa(n.Add(1))})
	}))
	defer endless.Close()
	_, err = (&Client{Base: endless.URL}).Runs(context.Background(), "1")
	if err == nil || !strings.Contains(err.Error(), "pages") || n.Load() > maxPages+1 {
		t.Errorf("an endless listing: %v after %d pages", err, n.Load())
	}
}

func itoa(n int64) string {
	var b []byte
	for {
		b = append([]byte{byte('0' + n%10)}, b...)
		if n /= 10; n == 0 {
			return string(b)
		}
	}
}

// TestServerTextIsClipped: what a source server says is shortened and
// has its control characters replaced before an import prints it.
func TestServerTextIsClipped(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(map[string]any{"error_code": "INVALID_PARAMETER_VALUE", "message": "\x1b[2J" + strings.Repeat("y", 5000)})
	}))
	defer srv.Close()
	_, err := (&Client{Base: srv.URL}).Experiments(context.Background())
	if err == nil || strings.Contains(err.Error(), "\x1b") || len(err.Error()) > 400 {
		t.Errorf("the server's message reached the error as %q", err)
	}
	if got := show("a\x1b[31mb"); strings.Contains(got, "\x1b") {
		t.Errorf("show kept a control character: %q", got)
	}
}

// TestDestName: with --project, every name lands in that project, and a
// source name naming a project of its own is not copied.
func TestDestName(t *testing.T) {
	im := &importer{Options: Options{Project: "fraud"}}
	if got, ok := im.destName("gbm"); !ok || got != "fraud/gbm" {
		t.Errorf("gbm → %q, %v", got, ok)
	}
	if got, ok := im.destName("victim/gbm"); ok {
		t.Errorf("victim/gbm → %q: a source name chose the hub project", got)
	}
	im.Project = ""
	if got, ok := im.destName("team/gbm"); !ok || got != "team/gbm" {
		t.Errorf("without --project, team/gbm → %q, %v", got, ok)
	}
}
