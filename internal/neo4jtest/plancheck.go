package neo4jtest

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"unicode"

	"github.com/exphub/exphub/internal/store"
)

// planScans gathers the scans the plans of a test's statements hold
// (store.WithPlanCheck); the test fails at its end for each statement
// that scans a label not in scannable.
type planScans struct {
	mu    sync.Mutex
	found []string
}

func (p *planScans) add(cypher string, scans []store.Scan) {
	var bad []string
	for _, sc := range scans {
		if !scannable(cypher, sc) {
			bad = append(bad, sc.Operator+" "+sc.Details)
		}
	}
	if len(bad) == 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.found = append(p.found, fmt.Sprintf("%s in:\n%s", strings.Join(bad, ", "), cypher))
}

func (p *planScans) report(t testing.TB) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, s := range p.found {
		t.Errorf("a statement reads every node of a label or every relationship of a type, so its cost grows with the graph (index the property it finds by, or start from a node found by one): %s", s)
	}
}

// scannable reports whether a statement may hold a scan: only when it
// says why, in a comment naming what it scans ("// scans Project: …"), so
// the exception is read where the statement is.
func scannable(cypher string, sc store.Scan) bool {
	_, rest, _ := strings.Cut(sc.Details, ":")
	name := rest[:len(rest)-len(strings.TrimLeftFunc(rest, func(r rune) bool {
		return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
	}))]
	return name != "" && strings.Contains(cypher, "// scans "+name+":")
}
