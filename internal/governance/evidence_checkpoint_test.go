package governance_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/evidence"
	"github.com/exphub/exphub/internal/governance"
	"github.com/exphub/exphub/internal/hashchain"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

// signHead stores a checkpoint of the log's head as it is now, as the
// checkpointer does (another test may have stored a later one first).
func signHead(t *testing.T, s *store.Store, key ed25519.PrivateKey) {
	t.Helper()
	next, _, moved, err := s.NextCheckpoint(t.Context())
	if err != nil || !moved {
		t.Fatalf("next checkpoint %+v, moved %v: %v", next, moved, err)
	}
	next.At = hashchain.FormatTime(time.Now())
	if _, err := s.AddCheckpoint(t.Context(), hashchain.Sign(next, key)); err != nil {
		t.Fatal(err)
	}
}

// TestEvidencePackProvenByCheckpoint: a pack the hub makes after a
// checkpoint of its events proves them offline with the operator's
// public key alone.
func TestEvidencePackProvenByCheckpoint(t *testing.T) {
	s := neo4jtest.Store(t)
	gov := governance.New(s, nil)
	pub, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	other, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	w := newPromotionWorld(t, s, "anchored", policyWith(func(p *store.PolicyInput) { p.RequiredApprovals = 1 }))
	req := request(t, s, "alice", w.mv.ID, store.StageProduction)
	// Until a checkpoint follows the pack's last event, the pack has none.
	signHead(t, s, key)
	pack, err := gov.EvidencePack(t.Context(), auditor(w.key), req.ID)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(pack)
	if err != nil {
		t.Fatal(err)
	}
	read, err := evidence.Read(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	r := evidence.VerifyWith(read, evidence.Options{PublicKey: pub})
	if len(r.Problems) != 0 || !r.Anchored || read.Audit.Anchor == nil || read.Format != evidence.FormatV4 {
		t.Fatalf("pack with a checkpoint: %+v", r)
	}
	// The links outside the chain are hashes only.
	if strings.Contains(string(b), `"before":null`) || strings.Contains(string(b), `"after":null`) {
		t.Fatalf("anchor lists are null: %s", b)
	}
	r = evidence.VerifyWith(read, evidence.Options{PublicKey: other})
	if r.Anchored || len(r.Problems) == 0 || !strings.Contains(r.Problems[0].Message, "not by the public key given") {
		t.Fatalf("another key: %+v", r)
	}
}
