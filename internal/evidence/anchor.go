package evidence

import (
	"crypto/ed25519"
	"errors"
	"fmt"

	"github.com/exphub/exphub/internal/hashchain"
)

// anchor checks the pack's anchor (see Anchor) and, with a public key, its
// checkpoints' signatures. It returns what the anchor proves, in a
// sentence, and whether it proves the events are in the signed log.
func (v *verifier) anchor(pub ed25519.PublicKey) (string, bool) {
	a := &v.p.Audit
	an := a.Anchor
	if an == nil {
		return "no checkpoint: the pack's events are checked against each other and their hashes, not against a signed log head", false
	}
	before := len(v.problems)
	if !since(v.p.Format, FormatV4) {
		v.add("audit.anchor", "a %s pack carries no checkpoint (they came with %s)", v.p.Format, FormatV4)
	}
	if len(a.Chain) == 0 {
		v.add("audit.anchor", "there is no chain to anchor")
		return "the checkpoint anchors nothing: the pack has no chain", false
	}
	// The accumulator starts at From's (the genesis before seq 1) and
	// folds every link up to To.
	seq, acc, prev := int64(0), hashchain.Genesis, hashchain.Genesis
	if an.From != nil {
		seq, acc, prev = an.From.Seq, an.From.Accumulator, an.From.Hash
	}
	links := []struct {
		name  string
		links []Link
	}{{"audit.anchor.before", an.Before}, {"audit.chain", a.Chain}, {"audit.anchor.after", an.After}}
	broken := false
	for _, part := range links {
		for i, l := range part.links {
			where := fmt.Sprintf("%s[%d]", part.name, i)
			switch {
			case l.Seq != seq+1:
				v.add(where, "seq %d follows seq %d: the links from the checkpoint before the chain to the one after it must be consecutive", l.Seq, seq)
				broken = true
			case l.PrevHash != prev:
				v.add(where, "seq %d: prevHash %s is not the hash of seq %d (%s)", l.Seq, l.PrevHash, seq, prev)
				broken = true
			}
			if broken {
				break
			}
			seq, acc, prev = l.Seq, hashchain.Fold(acc, l.Hash), l.Hash
		}
		if broken {
			break
		}
	}
	to := an.To
	if !broken {
		switch {
		case seq != to.Seq:
			v.add("audit.anchor.to", "is the checkpoint of seq %d, but the links end at seq %d: the chain does not reach it", to.Seq, seq)
		case prev != to.Hash:
			v.add("audit.anchor.to", "signs hash %s at seq %d, but the chain's link at seq %d has hash %s: the pack's events are not under this checkpoint", to.Hash, to.Seq, seq, prev)
		case acc != to.Accumulator:
			v.add("audit.anchor.to", "signs accumulator %s, but the links from %s fold to %s: a link between them was altered, so the pack's events are not under this checkpoint", to.Accumulator, fromName(an.From), acc)
		}
	}
	first, last := a.ChainSpan()
	if pub == nil {
		if len(v.problems) > before {
			return fmt.Sprintf("checkpoint seq %d (signed %s by key %s) does not hold: see the problems", to.Seq, to.At, to.KeyID), false
		}
		return fmt.Sprintf("checkpoint seq %d (signed %s by key %s) holds, but its signature was not checked: give the operator's public key", to.Seq, to.At, to.KeyID), false
	}
	// Only To's signature matters. From supplies the accumulator to start
	// from, and a made-up one cannot fold to To's signed accumulator
	// without a SHA-256 preimage; so From may be signed by an older key
	// (the operator rotated it) and is not checked.
	switch err := an.To.CheckSignature(pub); {
	case errors.Is(err, hashchain.ErrWrongKey):
		v.add("audit.anchor.to", "was signed by key %s, not by the public key given (%s): the wrong key, or not the operator's checkpoint", to.KeyID, hashchain.KeyID(pub))
	case err != nil:
		v.add("audit.anchor.to", "signature does not verify against the public key given: the checkpoint (seq %d) was altered or not signed by that key", to.Seq)
	}
	if len(v.problems) > before {
		return fmt.Sprintf("checkpoint seq %d does not prove the pack's events: see the problems", to.Seq), false
	}
	return fmt.Sprintf("chain seq %d..%d is in the log signed by key %s: checkpoint seq %d, signed %s", first, last, to.KeyID, to.Seq, to.At), true
}

// fromName names where the accumulator starts.
func fromName(c *hashchain.Checkpoint) string {
	if c == nil {
		return "the genesis"
	}
	return fmt.Sprintf("checkpoint seq %d", c.Seq)
}
