package hashchain_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/hashchain"
)

func hashOf(t *testing.T, payload map[string]any) string {
	t.Helper()
	h, err := hashchain.Content{Seq: 7, At: hashchain.FormatTime(time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)), Actor: "a",
		ProjectKey: "p", Kind: "RUN_LINEAGE_CHANGED", TargetID: "run_x", Payload: payload, PrevHash: hashchain.Genesis}.Hash()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// TestSealedReferencesVerifyForEveryReader: the hash covers the markers;
// a reader who sees the marker and a reader who sees the value with its
// disclosure compute the same hash, and a changed value does not.
func TestSealedReferencesVerifyForEveryReader(t *testing.T) {
	const salt, hidden = "00112233445566778899aabbccddeeff", "dsv_hidden"
	marker := hashchain.Marker(hashchain.Digest(salt, hidden))
	stored := map[string]any{"experimentId": "exp_1", "inputs": []any{"dsv_visible", marker}}
	want := hashOf(t, stored)

	t.Run("a reader who may not see it gets the marker", func(t *testing.T) {
		sealed, err := hashchain.Seal(stored, nil)
		if err != nil || hashOf(t, sealed) != want {
			t.Fatalf("hash of the redacted payload differs (%v)", err)
		}
		b, _ := json.Marshal(sealed)
		if strings.Contains(string(b), hidden) {
			t.Errorf("the marker names the hidden value: %s", b)
		}
	})
	opened := map[string]any{"experimentId": "exp_1", "inputs": []any{"dsv_visible", hidden}}
	d := []hashchain.Disclosure{{Path: "/inputs/1", Salt: salt}}
	t.Run("a reader who may see it gets the value and the salt", func(t *testing.T) {
		sealed, err := hashchain.Seal(opened, d)
		if err != nil {
			t.Fatal(err)
		}
		if got := hashOf(t, sealed); got != want {
			t.Errorf("hash of the opened payload: %s, want %s", got, want)
		}
		if opened["inputs"].([]any)[1] != hidden {
			t.Error("Seal changed its argument")
		}
	})
	t.Run("a changed value does not verify", func(t *testing.T) {
		forged := map[string]any{"experimentId": "exp_1", "inputs": []any{"dsv_visible", "dsv_other"}}
		sealed, err := hashchain.Seal(forged, d)
		if err != nil {
			t.Fatal(err)
		}
		if hashOf(t, sealed) == want {
			t.Error("a forged value hashes like the original")
		}
	})
	t.Run("a wrong salt does not verify", func(t *testing.T) {
		sealed, err := hashchain.Seal(opened, []hashchain.Disclosure{{Path: "/inputs/1", Salt: "ff" + salt[2:]}})
		if err != nil {
			t.Fatal(err)
		}
		if hashOf(t, sealed) == want {
			t.Error("a wrong salt hashes like the right one")
		}
	})
	t.Run("a disclosure that points nowhere is an error", func(t *testing.T) {
		for _, p := range []string{"/inputs/2", "/missing", "inputs", "/experimentId/0"} {
			if _, err := hashchain.Seal(opened, []hashchain.Disclosure{{Path: p, Salt: salt}}); err == nil {
				t.Errorf("path %q: want an error", p)
			}
		}
	})
}

func TestPointerEscapes(t *testing.T) {
	p := hashchain.Pointer("a/b", "c~d", 3)
	if p != "/a~1b/c~0d/3" {
		t.Fatalf("Pointer = %q", p)
	}
	v := map[string]any{"a/b": map[string]any{"c~d": []any{0, 1, 2, "x"}}}
	got, err := hashchain.Get(v, p)
	if err != nil || got != "x" {
		t.Fatalf("Get = %v, %v", got, err)
	}
	if err := hashchain.Set(v, p, "y"); err != nil {
		t.Fatal(err)
	}
	if got, _ := hashchain.Get(v, p); got != "y" {
		t.Errorf("after Set: %v", got)
	}
}
