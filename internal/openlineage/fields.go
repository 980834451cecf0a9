package openlineage

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/store"
)

// Field readers. Each names the field in its error.

func object(m map[string]any, p path, key string, required bool) (map[string]any, error) {
	v, ok := m[key]
	if !ok || v == nil {
		if required {
			return nil, p.at(key).errorf("required")
		}
		return nil, nil
	}
	o, ok := v.(map[string]any)
	if !ok {
		return nil, p.at(key).errorf("must be an object, got %s", typeName(v))
	}
	return o, nil
}

func array(m map[string]any, p path, key string, required bool) ([]any, error) {
	v, ok := m[key]
	if !ok || v == nil {
		if required {
			return nil, p.at(key).errorf("required")
		}
		return nil, nil
	}
	a, ok := v.([]any)
	if !ok {
		return nil, p.at(key).errorf("must be an array, got %s", typeName(v))
	}
	return a, nil
}

func str(m map[string]any, p path, key string, required bool) (string, error) {
	v, ok := m[key]
	if !ok || v == nil {
		if required {
			return "", p.at(key).errorf("required")
		}
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", p.at(key).errorf("must be a string, got %s", typeName(v))
	}
	return s, nil
}

// text is str with the store's limits: at most max bytes of UTF-8 without
// control characters, non-blank when required.
func text(m map[string]any, p path, key string, max int, required bool) (string, error) {
	s, err := str(m, p, key, required)
	if err != nil || (s == "" && !required) {
		return s, err
	}
	return s, store.CheckText(string(p.at(key)), s, max, required)
}

func integer(m map[string]any, p path, key string) (*int64, error) {
	v, ok := m[key]
	if !ok || v == nil {
		return nil, nil
	}
	n, ok := v.(json.Number)
	if !ok {
		return nil, p.at(key).errorf("must be an integer, got %s", typeName(v))
	}
	i, err := n.Int64()
	if err != nil || i < 0 {
		return nil, p.at(key).errorf("must be a non-negative integer, got %s", errs.Quote(n.String()))
	}
	return &i, nil
}

// dateTime reads an RFC 3339 date-time. A value without an offset is read
// as UTC, as Marquez reads it; a date alone is refused.
func dateTime(m map[string]any, p path, key string, required bool) (time.Time, error) {
	s, err := str(m, p, key, required)
	if err != nil || s == "" {
		if err == nil && required {
			return time.Time{}, p.at(key).errorf("required")
		}
		return time.Time{}, err
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, p.at(key).errorf("must be an RFC 3339 date-time such as 2026-01-02T15:04:05Z, got %s", errs.Quote(s))
}

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func uuidString(m map[string]any, p path, key string, required bool) (string, error) {
	s, err := str(m, p, key, required)
	if err != nil {
		return "", err
	}
	if !uuidRE.MatchString(s) {
		return "", p.at(key).errorf("must be a UUID, got %s", errs.Quote(s))
	}
	return strings.ToLower(s), nil
}

// uriRef reads a URI. Producers send relative references ("feast"), which
// the spec's JSON Schema format admits in practice; what is refused is a
// value that does not parse as a URI reference at all.
func uriRef(m map[string]any, p path, key string, required bool) (string, error) {
	s, err := text(m, p, key, store.MaxURILen, required)
	if err != nil || s == "" {
		return s, err
	}
	if _, err := url.Parse(s); err != nil {
		return "", p.at(key).errorf("must be a URI, got %s", errs.Quote(s))
	}
	return s, nil
}

func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	}
	return fmt.Sprintf("%T", v)
}

func quoteValue(v any) string {
	if s, ok := v.(string); ok {
		return errs.Quote(s)
	}
	return typeName(v)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
