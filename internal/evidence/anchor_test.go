package evidence_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/evidence"
	"github.com/exphub/exphub/internal/evidence/evidencetest"
	"github.com/exphub/exphub/internal/hashchain"
)

func TestVerifyAnchor(t *testing.T) {
	pub, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	otherPub, otherKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	anchored := func(t *testing.T) *evidence.Pack {
		t.Helper()
		p := evidencetest.Pack(t)
		evidencetest.Anchor(t, p, key, 3)
		return p
	}
	// relink forges the first event and joins the next link to it, as a
	// forger can: that link is another project's, given as hashes only,
	// so nothing in the chain itself can tell.
	relink := func(t *testing.T, p *evidence.Pack) {
		t.Helper()
		p.Audit.Events[0].Actor = "mallory"
		evidencetest.Reseal(t, p, 0)
		p.Audit.Chain[1].PrevHash = p.Audit.Events[0].Hash
	}

	t.Run("format", func(t *testing.T) {
		p := evidencetest.Pack(t)
		if got := evidence.FormatOf(p); got != evidence.FormatV3 {
			t.Fatalf("a pack without a checkpoint is %s, want %s", got, evidence.FormatV3)
		}
		if got := evidence.FormatOf(anchored(t)); got != evidence.FormatV4 {
			t.Fatalf("a pack with a checkpoint is %s, want %s", got, evidence.FormatV4)
		}
	})
	t.Run("earlier checkpoint of a rotated key", func(t *testing.T) {
		p := anchored(t)
		from := hashchain.Sign(*p.Audit.Anchor.From, otherKey)
		p.Audit.Anchor.From = &from
		if r := evidence.VerifyWith(p, evidence.Options{PublicKey: pub}); len(r.Problems) != 0 || !r.Anchored {
			t.Fatalf("report %+v", r)
		}
	})
	t.Run("proven with the key", func(t *testing.T) {
		p := anchored(t)
		r := evidence.VerifyWith(p, evidence.Options{PublicKey: pub})
		first, last := p.Audit.ChainSpan()
		if len(r.Problems) != 0 || !r.Anchored || !strings.Contains(r.Checkpoint, "is in the log signed by key "+hashchain.KeyID(pub)) {
			t.Fatalf("report %+v (chain %d..%d)", r, first, last)
		}
	})
	t.Run("without the key", func(t *testing.T) {
		r := evidence.VerifyWith(anchored(t), evidence.Options{})
		if len(r.Problems) != 0 || r.Anchored || !strings.Contains(r.Checkpoint, "signature was not checked") {
			t.Fatalf("report %+v", r)
		}
	})
	t.Run("no checkpoint", func(t *testing.T) {
		for _, format := range []string{evidence.Format, evidence.FormatV3, evidence.FormatV2} {
			p := evidencetest.Pack(t)
			p.Format = format
			if format == evidence.FormatV2 {
				p.RunArtifacts = nil
			}
			r := evidence.VerifyWith(p, evidence.Options{PublicKey: pub})
			if len(r.Problems) != 0 || r.Anchored || !strings.HasPrefix(r.Checkpoint, "no checkpoint") {
				t.Fatalf("%s pack without an anchor: %+v", format, r)
			}
		}
	})
	t.Run("forged link found only with a checkpoint", func(t *testing.T) {
		p := evidencetest.Pack(t)
		relink(t, p)
		if problems := evidence.Verify(p); len(problems) != 0 {
			t.Fatalf("without a checkpoint the forgery should pass unseen (the point of the accumulator): %v", problems)
		}
	})

	tests := []struct {
		name   string
		tamper func(t *testing.T, p *evidence.Pack)
		pub    ed25519.PublicKey
		where  string
		want   string
	}{
		{name: "wrong key", pub: otherPub, where: "audit.anchor.to", want: "not by the public key given"},
		{name: "signed by another key", pub: pub, where: "audit.anchor.to", want: "was signed by key " + hashchain.KeyID(otherPub),
			tamper: func(t *testing.T, p *evidence.Pack) { p.Audit.Anchor.To = hashchain.Sign(p.Audit.Anchor.To, otherKey) }},
		{name: "tampered signature", pub: pub, where: "audit.anchor.to", want: "signature does not verify",
			tamper: func(t *testing.T, p *evidence.Pack) {
				sig := []byte(p.Audit.Anchor.To.Signature)
				sig[3] ^= 1
				p.Audit.Anchor.To.Signature = string(sig)
			}},
		{name: "tampered statement", pub: pub, where: "audit.anchor.to", want: "signature does not verify",
			tamper: func(t *testing.T, p *evidence.Pack) { p.Audit.Anchor.To.At = "2020-01-01T00:00:00Z" }},
		{name: "made-up starting accumulator", pub: pub, where: "audit.anchor.to", want: "fold to",
			tamper: func(t *testing.T, p *evidence.Pack) { p.Audit.Anchor.From.Accumulator = strings.Repeat("cd", 32) }},
		{name: "events not under the checkpoint", pub: pub, where: "audit.anchor.to", want: "not under this checkpoint",
			tamper: func(t *testing.T, p *evidence.Pack) {
				// A genuine checkpoint of another head.
				to := p.Audit.Anchor.To
				to.Hash = strings.Repeat("ab", 32)
				p.Audit.Anchor.To = hashchain.Sign(to, key)
			}},
		{name: "chain short of the checkpoint", pub: pub, where: "audit.anchor.to", want: "does not reach it",
			tamper: func(t *testing.T, p *evidence.Pack) { p.Audit.Anchor.After = p.Audit.Anchor.After[:1] }},
		{name: "gap after the chain", pub: pub, where: "audit.anchor.after[0]", want: "must be consecutive",
			tamper: func(t *testing.T, p *evidence.Pack) { p.Audit.Anchor.After = p.Audit.Anchor.After[1:] }},
		{name: "forged link", pub: pub, where: "audit.anchor.to", want: "fold to",
			tamper: func(t *testing.T, p *evidence.Pack) { relink(t, p) }},
		{name: "older format", pub: pub, where: "audit.anchor", want: "carries no checkpoint",
			tamper: func(t *testing.T, p *evidence.Pack) { p.Format = evidence.FormatV3 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := anchored(t)
			if tt.tamper != nil {
				tt.tamper(t, p)
			}
			r := evidence.VerifyWith(p, evidence.Options{PublicKey: tt.pub})
			if r.Anchored {
				t.Fatalf("anchored despite %s: %+v", tt.name, r)
			}
			for _, pr := range r.Problems {
				if pr.Where == tt.where && strings.Contains(pr.Message, tt.want) {
					return
				}
			}
			t.Fatalf("no problem at %s saying %q: %v", tt.where, tt.want, r.Problems)
		})
	}
}
