package runsearch

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/store"
)

func cmp(e store.RunEntity, k string, op store.RunOp) *store.RunCompare {
	return &store.RunCompare{Entity: e, Key: k, Op: op}
}

func TestParse(t *testing.T) {
	num := func(c *store.RunCompare, f float64) *store.RunPredicate {
		c.Number = f
		return &store.RunPredicate{Compare: c}
	}
	str := func(c *store.RunCompare, s string) *store.RunPredicate {
		c.Str = s
		return &store.RunPredicate{Compare: c}
	}
	strs := func(c *store.RunCompare, s ...string) *store.RunPredicate {
		c.Strs = s
		return &store.RunPredicate{Compare: c}
	}
	bare := func(c *store.RunCompare) *store.RunPredicate { return &store.RunPredicate{Compare: c} }
	auc := func() *store.RunPredicate { return num(cmp("metrics", "auc", ">"), 0.9) }
	lr := func() *store.RunPredicate { return str(cmp("params", "lr", "="), "0.1") }
	tests := []struct {
		name, in string
		want     *store.RunPredicate
	}{
		{"empty", "  ", nil},
		{"mlflow", "metrics.auc > 0.9 and params.lr = '0.1'", &store.RunPredicate{And: []*store.RunPredicate{auc(), lr()}}},
		{"aliases", "metric.auc > 0.9 AND parameter.lr = \"0.1\"", &store.RunPredicate{And: []*store.RunPredicate{auc(), lr()}}},
		{"or binds looser", "metrics.auc > 0.9 or params.lr = '0.1' and tags.t = 'x'", &store.RunPredicate{Or: []*store.RunPredicate{auc(),
			{And: []*store.RunPredicate{lr(), str(cmp("tags", "t", "="), "x")}}}}},
		{"parens", "(metrics.auc > 0.9 OR params.lr = '0.1') AND tags.t = 'x'", &store.RunPredicate{And: []*store.RunPredicate{
			{Or: []*store.RunPredicate{auc(), lr()}}, str(cmp("tags", "t", "="), "x")}}},
		{"backquoted key", "tags.`mlflow.runName` ILIKE '%CHILD%'", str(cmp("tags", "mlflow.runName", "ILIKE"), "%CHILD%")},
		{"dotted key", "params.model.depth != '3'", str(cmp("params", "model.depth", "!="), "3")},
		{"is null", "tags.missing IS NULL", bare(cmp("tags", "missing", "IS NULL"))},
		{"is not null", "params.x is not null", bare(cmp("params", "x", "IS NOT NULL"))},
		{"in", "attributes.run_id IN ('a', 'b')", strs(cmp("attributes", "run_id", "IN"), "a", "b")},
		{"not in", "datasets.name NOT IN ('train')", strs(cmp("datasets", "name", "NOT IN"), "train")},
		{"numeric attribute", "attr.start_time >= 1700000000000", num(cmp("attributes", "start_time", ">="), 1.7e12)},
		{"created alias", "run.created < 5", num(cmp("attributes", "start_time", "<"), 5)},
		{"negative exponent", "metrics.loss <= -1.5e-3", num(cmp("metrics", "loss", "<="), -1.5e-3)},
		{"quote doubled", "tags.t = 'it''s'", str(cmp("tags", "t", "="), "it's")},
		{"run name like", "attributes.run_name LIKE 'train%'", str(cmp("attributes", "run_name", "LIKE"), "train%")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := Parse(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(q.Where, tt.want) {
				t.Fatalf("Parse(%q) = %s, want %s", tt.in, String(q), String(&store.RunQuery{Where: tt.want}))
			}
			again, err := Parse(String(q))
			if err != nil || !reflect.DeepEqual(again, q) {
				t.Fatalf("reparse of %q: %v %s", String(q), err, String(again))
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"bad operator", "metrics.auc foo 1", "filter: column 13: expected a comparison operator after metrics.auc, got \"foo\""},
		{"second clause", "metrics.auc > 0.9 and metrics.auc foo", "column 35"},
		{"unknown entity", "things.x = 'a'", "column 1: unknown entity"},
		{"number for param", "params.lr = 0.1", "column 13: expected a quoted string"},
		{"string for metric", "metrics.h = '1'", "column 13: expected a number"},
		{"like on metric", "metrics.h LIKE '1'", "column 11: operator LIKE does not apply"},
		{"in on status ok but is null not", "attributes.status IS NULL", "column 19: operator IS NULL does not apply"},
		{"unknown attribute", "attributes.foo = 'x'", "column 12: unknown attribute"},
		{"unclosed paren", "(metrics.a > 1", "column 15: expected ')' to close the '(' at column 1"},
		{"trailing", "metrics.a > 1 metrics.b > 2", "column 15: expected AND, OR or end of filter"},
		{"unterminated", "tags.a = 'x", "column 10: unterminated"},
		{"dangling and", "metrics.a > 1 and", "column 18: expected a comparison such as metrics.auc, got end of filter"},
		{"bang", "metrics.a ! 1", "column 11: unexpected"},
		{"too long", strings.Repeat(" ", MaxFilterLen+1), "at most 4000 bytes"},
		{"too deep", strings.Repeat("(", 21) + "metrics.a > 1" + strings.Repeat(")", 21), "column 21: parentheses nested deeper than 20"},
		{"too many", strings.TrimSuffix(strings.Repeat("metrics.a > 1 or ", 101), " or "), "more than 100 comparisons"},
		{"short echo", "metrics.a > " + strings.Repeat("x", 500), "column 13"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.in)
			if err == nil {
				t.Fatalf("Parse(%q) succeeded", tt.in)
			}
			if !errors.Is(err, errs.Invalid) {
				t.Errorf("not Invalid: %v", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
			if len(err.Error()) > 300 {
				t.Errorf("error echoes too much: %d bytes", len(err.Error()))
			}
		})
	}
}

func TestParseOrderBy(t *testing.T) {
	got, err := ParseOrderBy([]string{"metrics.auc DESC", "attributes.start_time", "params.lr ASC", "tags.`a b`"})
	if err != nil {
		t.Fatal(err)
	}
	want := []store.RunSearchOrder{{Entity: "metrics", Key: "auc", Desc: true}, {Entity: "attributes", Key: "start_time"}, {Entity: "params", Key: "lr"}, {Entity: "tags", Key: "a b"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v", got)
	}
	for _, bad := range []string{"metrics.h SIDEWAYS", "datasets.name", "attributes.nope", "auc"} {
		if _, err := ParseOrderBy([]string{bad}); !errors.Is(err, errs.Invalid) {
			t.Errorf("ParseOrderBy(%q) = %v, want Invalid", bad, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"metrics.auc > 0.9 and params.lr = '0.1'", "(tags.a = 'x' OR tags.b IS NULL) and attributes.run_id IN ('a','b')",
		"tags.`x.y` ILIKE '%a%'", "datasets.name NOT IN ('a')", "((", "'", "metrics.a > -1e9", "run.created <= 5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := Parse(s)
		if err != nil {
			if !errors.Is(err, errs.Invalid) {
				t.Fatalf("error not Invalid: %v", err)
			}
			return
		}
		again, err := Parse(String(q))
		if err != nil {
			t.Fatalf("reparse %q of %q: %v", String(q), s, err)
		}
		if !reflect.DeepEqual(again, q) {
			t.Fatalf("reparse %q of %q differs", String(q), s)
		}
	})
}
