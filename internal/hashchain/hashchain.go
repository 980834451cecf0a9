// Package hashchain defines how an event of the hub's log is hashed, so the
// server that appends events and an offline verifier of an evidence pack
// compute the same hash from the same content.
package hashchain

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"
)

// Genesis is the previous hash of the first event.
const Genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// Content is what an event's hash covers, in a fixed field order;
// encoding/json writes map keys sorted, so the encoding is canonical.
type Content struct {
	Seq        int64          `json:"seq"`
	At         string         `json:"at"`
	Actor      string         `json:"actor"`
	ProjectKey string         `json:"projectKey"`
	Kind       string         `json:"kind"`
	TargetID   string         `json:"targetId"`
	Payload    map[string]any `json:"payload"`
	PrevHash   string         `json:"prevHash"`
}

// FormatTime is how an event's time enters its hash: RFC 3339 with
// nanoseconds, in UTC.
func FormatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// Hash returns the hex SHA-256 of the canonical JSON of c. A nil payload
// hashes as an empty object.
func (c Content) Hash() (string, error) {
	if c.Payload == nil {
		c.Payload = map[string]any{}
	}
	b, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}
