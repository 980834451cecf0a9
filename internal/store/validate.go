package store

import (
	"encoding/hex"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/exphub/exphub/internal/errs"
)

// Input limits. They follow MLflow's where MLflow has one, so clients that
// work against MLflow work here.
const (
	MaxNameLen        = 250
	MaxDescriptionLen = 10_000
	MaxParamValueLen  = 6_000
	MaxTagValueLen    = 8_000
	MaxURILen         = 4_096
	MaxItemsPerCall   = 1_000
	MaxPointsPerCall  = 10_000
	MaxSchemaFields   = 2_000
	// MaxDatasetIdentityLen bounds a dataset's namespace and name together:
	// both are in one uniqueness index, whose entries Neo4j caps at about
	// 8 kB, so two values of MaxURILen each cannot be stored.
	MaxDatasetIdentityLen = 8_000
)

var projectKeyRE = regexp.MustCompile(`^[a-z][a-z0-9-]{1,39}$`)

// checkText validates a free-text field: valid UTF-8, no control characters
// other than tab and newline, at most max bytes, and non-empty when
// required. Quotes, backticks and anything that looks like Cypher are
// ordinary characters: every value reaches Neo4j as a parameter.
func checkText(field, s string, max int, required bool) error {
	if required && strings.TrimSpace(s) == "" {
		return invalid("%s: must not be empty", field)
	}
	if len(s) > max {
		return invalid("%s: at most %d bytes, got %d", field, max, len(s))
	}
	if !utf8.ValidString(s) {
		return invalid("%s: not valid UTF-8", field)
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' {
			return invalid("%s: contains control character %U", field, r)
		}
	}
	return nil
}

// checkProjectKey validates a project key.
// CheckProjectKey reports whether key is a well-formed project key; the
// error names field.
func CheckProjectKey(field, key string) error { return checkProjectKey(field, key) }

func checkProjectKey(field, key string) error {
	if !projectKeyRE.MatchString(key) {
		return invalid("%s: %s must be 2–40 lowercase letters, digits or dashes, starting with a letter", field, errs.Quote(key))
	}
	return nil
}

// NormalizeDigest accepts a sha256 digest as 64 hex characters, optionally
// prefixed with "sha256:", and returns it as lowercase hex.
func NormalizeDigest(field, d string) (string, error) {
	h := strings.ToLower(strings.TrimPrefix(d, "sha256:"))
	if len(h) != 64 {
		return "", invalid("%s: %s is not a sha256 digest (64 hex characters)", field, errs.Quote(d))
	}
	if _, err := hex.DecodeString(h); err != nil {
		return "", invalid("%s: %s is not a sha256 digest (64 hex characters)", field, errs.Quote(d))
	}
	return h, nil
}

// checkKeyValues validates a list of key/value pairs and that no key
// repeats within it.
func checkKeyValues(field string, kvs []KeyValue, maxValue int) error {
	if len(kvs) > MaxItemsPerCall {
		return invalid("%s: at most %d per call, got %d", field, MaxItemsPerCall, len(kvs))
	}
	seen := make(map[string]bool, len(kvs))
	for i, kv := range kvs {
		if err := checkText(field+"["+strconv.Itoa(i)+"].key", kv.Key, MaxNameLen, true); err != nil {
			return err
		}
		if err := checkText(field+"["+strconv.Itoa(i)+"].value", kv.Value, maxValue, false); err != nil {
			return err
		}
		if seen[kv.Key] {
			return invalid("%s: key %s given twice", field, errs.Quote(kv.Key))
		}
		seen[kv.Key] = true
	}
	return nil
}

// CheckText reports whether s fits a text field of at most max bytes
// (valid UTF-8, no control characters but tab and newlines; non-blank when
// required); the error names field. Domains check what they hand to a
// write that does not check it again.
func CheckText(field, s string, max int, required bool) error {
	return checkText(field, s, max, required)
}
