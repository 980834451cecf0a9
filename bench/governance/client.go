package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/exphub/exphub/internal/auth"
)

// The calls of this file go through the GraphQL endpoint, as a client's
// would.

// passingResult is the smallest Great Expectations result that passes.
const passingResult = `{"success": true, "results": []}`

const (
	requesterSubject = "bench-governance-requester"
	adminSubject     = "bench-governance-admin"
)

// lastLine keeps the last line written to it: the server's last logged
// error.
type lastLine struct {
	mu   sync.Mutex
	line string
}

func (l *lastLine) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.line = strings.TrimSpace(string(p))
	return len(p), nil
}

func (l *lastLine) take() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.line
	l.line = ""
	return s
}

type checkOut struct {
	Name        string   `json:"name"`
	EvidenceIDs []string `json:"evidenceIds"`
}

type requestOut struct {
	ID     string     `json:"id"`
	Status string     `json:"status"`
	Checks []checkOut `json:"checks"`
}

// request asks for m to move to the stage it is not in: STAGING, or
// PRODUCTION when it is in STAGING (a rerun finds the versions it
// promoted in their new stage).
func (b *bench) request(ctx context.Context, m mv) (*requestOut, time.Duration, error) {
	target := "STAGING"
	if m.Stage == "STAGING" {
		target = "PRODUCTION"
	}
	var out struct {
		RequestPromotion struct {
			PromotionRequest requestOut `json:"promotionRequest"`
		} `json:"requestPromotion"`
	}
	took, _, err := b.do(ctx, requesterSubject, `mutation($id: ID!, $stage: ModelStage!) {
		requestPromotion(input: {modelVersionId: $id, targetStage: $stage, justification: "bench/governance"}) {
			promotionRequest { id status checks { name evidenceIds } } } }`, map[string]any{"id": m.ID, "stage": target}, &out)
	if err != nil {
		return nil, 0, fmt.Errorf("requestPromotion %s to %s: %w", m.ID, target, err)
	}
	req := out.RequestPromotion.PromotionRequest
	b.open[req.ID] = true
	return &req, took, nil
}

func (b *bench) cancel(ctx context.Context, id string) (time.Duration, error) {
	var out struct {
		CancelPromotion struct {
			PromotionRequest struct{ Status string } `json:"promotionRequest"`
		} `json:"cancelPromotion"`
	}
	took, _, err := b.do(ctx, requesterSubject, `mutation($id: ID!) { cancelPromotion(input: {promotionRequestId: $id}) { promotionRequest { status } } }`,
		map[string]any{"id": id}, &out)
	if err != nil {
		return 0, fmt.Errorf("cancelPromotion %s: %w", id, err)
	}
	delete(b.open, id)
	return took, nil
}

// cancelAll cancels the open requests among ids, or every request this
// run holds open when ids is nil.
func (b *bench) cancelAll(ctx context.Context, ids []string) (int, error) {
	if ids == nil {
		for id := range b.open {
			ids = append(ids, id)
		}
		slices.Sort(ids)
	}
	n := 0
	for _, id := range ids {
		if !b.open[id] {
			continue
		}
		if _, err := b.cancel(ctx, id); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// validate records a passing validation result on a dataset version and
// returns the run's status.
func (b *bench) validate(ctx context.Context, dv string) (time.Duration, string, error) {
	var out struct {
		RecordValidationResult struct {
			ValidationRun struct{ Status string } `json:"validationRun"`
		} `json:"recordValidationResult"`
	}
	took, _, err := b.do(ctx, adminSubject, `mutation($id: ID!, $result: String!) {
		recordValidationResult(input: {datasetVersionId: $id, suiteName: "bench-governance", result: $result}) { validationRun { status } } }`,
		map[string]any{"id": dv, "result": passingResult}, &out)
	if err != nil {
		return 0, "", fmt.Errorf("recordValidationResult %s: %w", dv, err)
	}
	return took, out.RecordValidationResult.ValidationRun.Status, nil
}

// do posts one GraphQL operation as subject (an admin of every project),
// decodes its data into out and returns the time to the decoded response
// and the response's size.
func (b *bench) do(ctx context.Context, subject, query string, vars map[string]any, out any) (time.Duration, int, error) {
	token, ok := b.tokens[subject]
	if !ok {
		var err error
		token, err = auth.NewDevToken([]byte(auth.DevSecret), subject, map[string]auth.Role{"*": auth.RoleAdmin}, 24*time.Hour, time.Now())
		if err != nil {
			return 0, 0, err
		}
		b.tokens[subject] = token
	}
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return 0, 0, err
	}
	t0 := time.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.url, bytes.NewReader(body))
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := b.http.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, 0, err
	}
	var env struct {
		Data   json.RawMessage   `json:"data"`
		Errors []json.RawMessage `json:"errors"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		return 0, 0, fmt.Errorf("HTTP %d: %w", res.StatusCode, err)
	}
	if len(env.Errors) > 0 {
		if cause := b.serverErr.take(); cause != "" {
			return 0, 0, fmt.Errorf("GraphQL errors: %s; server log: %s", env.Errors, cause)
		}
		return 0, 0, fmt.Errorf("GraphQL errors: %s", env.Errors)
	}
	if err := json.Unmarshal(env.Data, out); err != nil {
		return 0, 0, err
	}
	return time.Since(t0), len(raw), nil
}
