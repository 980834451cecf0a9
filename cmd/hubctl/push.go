package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/exphub/exphub/internal/quality"
)

// pushTarget is where "hubctl validate --push" records its result.
type pushTarget struct {
	url, token                     string
	project, namespace, name, vers string
}

// splitDatasetName splits NAMESPACE/NAME the OpenLineage way: the
// namespace is a URI's scheme and authority (s3://bucket,
// postgres://host:5432), the name the rest (a path or db.schema.table).
// Without a scheme, the namespace ends at the first slash.
func splitDatasetName(s string) (namespace, name string, err error) {
	start := 0
	if i := strings.Index(s, "://"); i >= 0 {
		start = i + 3
	}
	j := strings.Index(s[start:], "/")
	if j <= 0 || start+j == len(s)-1 {
		return "", "", fmt.Errorf("--dataset must be NAMESPACE/NAME, e.g. s3://bucket/raw/orders, got %q", s)
	}
	return s[:start+j], s[start+j+1:], nil
}

// hubClient posts GraphQL operations to the hub with a bearer token.
type hubClient struct {
	url, token string
	http       *http.Client
}

func (c *hubClient) do(ctx context.Context, query string, vars map[string]any, out any) error {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("the hub at %s: %w", c.url, err)
	}
	defer resp.Body.Close()
	var res struct {
		Data   json.RawMessage
		Errors []struct {
			Message    string
			Extensions map[string]any
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		return fmt.Errorf("the hub at %s answered HTTP %d without a GraphQL response", c.url, resp.StatusCode)
	}
	if len(res.Errors) > 0 {
		return fmt.Errorf("the hub refused: %s (%v)", res.Errors[0].Message, res.Errors[0].Extensions["code"])
	}
	return json.Unmarshal(res.Data, out)
}

// pushedVersion is the dataset version a result is recorded against.
// Digest is empty for a version the hub has no digest of (null: one an
// OpenLineage event reported).
type pushedVersion struct {
	ID, Digest string
}

// findVersion looks the target version up in the hub.
func findVersion(ctx context.Context, c *hubClient, t pushTarget) (*pushedVersion, error) {
	var d struct{ DatasetVersionByName *pushedVersion }
	vars := map[string]any{"ns": t.namespace, "name": t.name, "v": t.vers}
	if t.project != "" {
		vars["pk"] = t.project
	}
	err := c.do(ctx, `query($ns: String!, $name: String!, $v: String!, $pk: String) {
		datasetVersionByName(namespace: $ns, name: $name, version: $v, projectKey: $pk) { id digest } }`, vars, &d)
	if err != nil {
		return nil, err
	}
	if d.DatasetVersionByName == nil {
		return nil, fmt.Errorf("the hub has no version %q of dataset %s %s that you may read; register it first", t.vers, t.namespace, t.name)
	}
	return d.DatasetVersionByName, nil
}

// recordResult records res as a finished validation run of the version.
func recordResult(ctx context.Context, c *hubClient, versionID, suiteName string, res *quality.Result) (id, status string, err error) {
	raw, err := json.Marshal(res)
	if err != nil {
		return "", "", err
	}
	var d struct {
		RecordValidationResult struct {
			ValidationRun struct{ ID, Status string }
		}
	}
	err = c.do(ctx, `mutation($v: ID!, $s: String!, $r: String!) {
		recordValidationResult(input: {datasetVersionId: $v, suiteName: $s, result: $r}) { validationRun { id status } } }`,
		map[string]any{"v": versionID, "s": suiteName, "r": string(raw)}, &d)
	if err != nil {
		return "", "", err
	}
	return d.RecordValidationResult.ValidationRun.ID, d.RecordValidationResult.ValidationRun.Status, nil
}

// pushTargetFrom completes the target from the flags and the suite: the
// dataset defaults to the suite's.
func pushTargetFrom(t pushTarget, dataset string, suite *quality.Suite) (pushTarget, error) {
	switch {
	case dataset != "":
		ns, name, err := splitDatasetName(dataset)
		if err != nil {
			return t, err
		}
		t.namespace, t.name = ns, name
	case suite.Dataset != nil && suite.Dataset.Namespace != "" && suite.Dataset.Name != "":
		t.namespace, t.name = suite.Dataset.Namespace, suite.Dataset.Name
	default:
		return t, errors.New("--push needs --dataset NAMESPACE/NAME, or a dataset in the suite")
	}
	if t.vers == "" {
		return t, errors.New("--push needs --version, the dataset version the data is")
	}
	if t.token == "" {
		return t, errors.New("--push needs a token in $EXPHUB_TOKEN (or the variable --token-env names)")
	}
	return t, nil
}

func newHubClient(t pushTarget) *hubClient {
	return &hubClient{url: t.url, token: t.token, http: &http.Client{Timeout: 30 * time.Second}}
}
