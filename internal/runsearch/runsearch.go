// Package runsearch parses the run search language: MLflow's search_runs
// filter grammar (metrics.auc > 0.9 and params.lr = '0.1') plus OR and
// parentheses, and MLflow's order_by clauses, into the store's RunQuery and
// RunSearchOrder. It is pure: it never talks to Neo4j, and the AST it
// builds holds keys and values that the store binds as parameters.
//
// Grammar (keywords case-insensitive; AND binds tighter than OR):
//
//	filter     = [ or ]
//	or         = and { "OR" and }
//	and        = primary { "AND" primary }
//	primary    = "(" or ")" | comparison
//	comparison = entity "." key op [ value ]
//	entity     = metric(s) | param(s) | parameter(s) | tag(s) | attribute(s) | attr | run | dataset(s)
//	key        = identifier { "." identifier } | `quoted` | "quoted"
//	op         = "=" | "!=" | "<>" | ">" | ">=" | "<" | "<=" | LIKE | ILIKE | IN | NOT IN | IS NULL | IS NOT NULL
//	value      = number | 'string' | "string" | "(" string { "," string } ")"
package runsearch

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/store"
)

// Bounds on a filter, so a request cannot make parsing or the query it
// compiles to arbitrarily expensive.
const (
	MaxFilterLen   = 4000
	MaxComparisons = store.MaxRunSearchComparisons
	MaxDepth       = store.MaxRunSearchDepth
	MaxOrderBy     = store.MaxRunSearchOrder
)

type tokKind int

const (
	tEOF tokKind = iota
	tIdent
	tNumber
	tString   // 'x' or "x"
	tBacktick // `x`
	tOp
	tLParen
	tRParen
	tComma
	tDot
)

type token struct {
	kind tokKind
	text string // the value: unquoted for strings, raw for others
	col  int    // 1-based byte column
}

func (t token) show() string {
	switch t.kind {
	case tEOF:
		return "end of filter"
	case tString:
		return errs.Quote("'" + t.text + "'")
	}
	return errs.Quote(t.text)
}

func fail(col int, format string, args ...any) error {
	return errs.Invalidf("filter: column %d: %s", col, fmt.Sprintf(format, args...))
}

func isIdentStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isIdentPart(c byte) bool { return isIdentStart(c) || (c >= '0' && c <= '9') }

func lex(s string) ([]token, error) {
	var out []token
	for i := 0; i < len(s); {
		c := s[i]
		col := i + 1
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(':
			out = append(out, token{tLParen, "(", col})
			i++
		case c == ')':
			out = append(out, token{tRParen, ")", col})
			i++
		case c == ',':
			out = append(out, token{tComma, ",", col})
			i++
		case c == '.' && !(i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9'):
			out = append(out, token{tDot, ".", col})
			i++
		case c == '\'' || c == '"' || c == '`':
			var b strings.Builder
			j := i + 1
			for {
				if j >= len(s) {
					return nil, fail(col, "unterminated quoted text")
				}
				if s[j] == c {
					if j+1 < len(s) && s[j+1] == c { // doubled quote is a literal quote
						b.WriteByte(c)
						j += 2
						continue
					}
					break
				}
				if s[j] == '\\' && j+1 < len(s) && c != '`' {
					b.WriteByte(s[j+1])
					j += 2
					continue
				}
				b.WriteByte(s[j])
				j++
			}
			k := tString
			if c == '`' {
				k = tBacktick
			}
			out = append(out, token{k, b.String(), col})
			i = j + 1
		case c == '=':
			out = append(out, token{tOp, "=", col})
			i++
		case c == '!' || c == '<' || c == '>':
			if i+1 < len(s) && (s[i+1] == '=' || (c == '<' && s[i+1] == '>')) {
				out = append(out, token{tOp, s[i : i+2], col})
				i += 2
			} else if c == '!' {
				return nil, fail(col, "unexpected %s", errs.Quote(s[i:i+1]))
			} else {
				out = append(out, token{tOp, s[i : i+1], col})
				i++
			}
		case c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9'):
			j := i + 1
			for j < len(s) && (isIdentPart(s[j]) || s[j] == '.' || ((s[j] == '-' || s[j] == '+') && (s[j-1] == 'e' || s[j-1] == 'E'))) {
				j++
			}
			out = append(out, token{tNumber, s[i:j], col})
			i = j
		case isIdentStart(c):
			j := i + 1
			for j < len(s) && isIdentPart(s[j]) {
				j++
			}
			out = append(out, token{tIdent, s[i:j], col})
			i = j
		default:
			return nil, fail(col, "unexpected character %s", errs.Quote(s[i:i+1]))
		}
	}
	return append(out, token{tEOF, "", len(s) + 1}), nil
}

type parser struct {
	toks  []token
	pos   int
	count int
}

func (p *parser) peek() token { return p.toks[p.pos] }
func (p *parser) next() token {
	t := p.toks[p.pos]
	if t.kind != tEOF {
		p.pos++
	}
	return t
}

func (p *parser) keyword(t token, kw string) bool {
	return t.kind == tIdent && strings.EqualFold(t.text, kw)
}

// Parse parses a filter; "" (or only spaces) is a nil query, which
// matches every run. Errors are errs.Invalid and name the 1-based column.
func Parse(filter string) (*store.RunQuery, error) {
	if len(filter) > MaxFilterLen {
		return nil, errs.Invalidf("filter: at most %d bytes, got %d", MaxFilterLen, len(filter))
	}
	toks, err := lex(filter)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	if p.peek().kind == tEOF {
		return &store.RunQuery{}, nil
	}
	root, err := p.or(0)
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, fail(t.col, "expected AND, OR or end of filter, got %s", t.show())
	}
	return &store.RunQuery{Where: root}, nil
}

func (p *parser) or(depth int) (*store.RunPredicate, error) {
	var parts []*store.RunPredicate
	for {
		a, err := p.and(depth)
		if err != nil {
			return nil, err
		}
		parts = append(parts, a)
		if !p.keyword(p.peek(), "or") {
			break
		}
		p.next()
	}
	if len(parts) == 1 {
		return parts[0], nil
	}
	return &store.RunPredicate{Or: parts}, nil
}

func (p *parser) and(depth int) (*store.RunPredicate, error) {
	var parts []*store.RunPredicate
	for {
		a, err := p.primary(depth)
		if err != nil {
			return nil, err
		}
		parts = append(parts, a)
		if !p.keyword(p.peek(), "and") {
			break
		}
		p.next()
	}
	if len(parts) == 1 {
		return parts[0], nil
	}
	return &store.RunPredicate{And: parts}, nil
}

func (p *parser) primary(depth int) (*store.RunPredicate, error) {
	t := p.peek()
	if t.kind == tLParen {
		if depth+1 > MaxDepth {
			return nil, fail(t.col, "parentheses nested deeper than %d", MaxDepth)
		}
		p.next()
		inner, err := p.or(depth + 1)
		if err != nil {
			return nil, err
		}
		if c := p.next(); c.kind != tRParen {
			return nil, fail(c.col, "expected ')' to close the '(' at column %d, got %s", t.col, c.show())
		}
		return inner, nil
	}
	return p.comparison()
}

var entities = map[string]store.RunEntity{
	"metric": store.RunEntityMetric, "metrics": store.RunEntityMetric,
	"param": store.RunEntityParam, "params": store.RunEntityParam, "parameter": store.RunEntityParam, "parameters": store.RunEntityParam,
	"tag": store.RunEntityTag, "tags": store.RunEntityTag,
	"attribute": store.RunEntityAttribute, "attributes": store.RunEntityAttribute, "attr": store.RunEntityAttribute, "run": store.RunEntityAttribute,
	"dataset": store.RunEntityDataset, "datasets": store.RunEntityDataset,
}

// attrAliases are MLflow's alternative attribute spellings.
var attrAliases = map[string]string{"created": "start_time", "Created": "start_time", "run name": "run_name", "Run name": "run_name", "Run Name": "run_name"}

// field parses entity "." key and returns the entity, key, and the column
// where it starts.
func (p *parser) field(what string) (store.RunEntity, string, int, error) {
	t := p.next()
	if t.kind != tIdent {
		return "", "", t.col, fail(t.col, "expected %s such as metrics.auc, got %s", what, t.show())
	}
	ent, ok := entities[strings.ToLower(t.text)]
	if !ok {
		return "", "", t.col, fail(t.col, "unknown entity %s; use metrics, params, tags, attributes or datasets", t.show())
	}
	if d := p.next(); d.kind != tDot {
		return "", "", d.col, fail(d.col, "expected '.' after %s, got %s", t.text, d.show())
	}
	k := p.next()
	var key string
	switch k.kind {
	case tBacktick, tString:
		key = k.text
	case tIdent:
		key = k.text
		for p.peek().kind == tDot && p.toks[p.pos+1].kind == tIdent {
			p.next()
			key += "." + p.next().text
		}
	default:
		return "", "", k.col, fail(k.col, "expected a key after %s., got %s", t.text, k.show())
	}
	if key == "" {
		return "", "", k.col, fail(k.col, "empty key")
	}
	switch ent {
	case store.RunEntityAttribute:
		if a, ok := attrAliases[key]; ok {
			key = a
		}
		if _, ok := store.RunAttributeNumeric(key); !ok {
			return "", "", k.col, fail(k.col, "unknown attribute %s; use run_id, run_name, status, user_id, start_time or end_time", errs.Quote(key))
		}
	case store.RunEntityDataset:
		if !store.RunDatasetField(key) {
			return "", "", k.col, fail(k.col, "unknown dataset field %s; use name, digest or context", errs.Quote(key))
		}
	}
	return ent, key, t.col, nil
}

func (p *parser) operator() (store.RunOp, token, error) {
	t := p.next()
	if t.kind == tOp {
		if t.text == "<>" {
			return store.RunOpNe, t, nil
		}
		return store.RunOp(t.text), t, nil
	}
	if t.kind == tIdent {
		switch strings.ToUpper(t.text) {
		case "LIKE":
			return store.RunOpLike, t, nil
		case "ILIKE":
			return store.RunOpILike, t, nil
		case "IN":
			return store.RunOpIn, t, nil
		case "NOT":
			if p.keyword(p.peek(), "in") {
				p.next()
				return store.RunOpNotIn, t, nil
			}
		case "IS":
			if p.keyword(p.peek(), "null") {
				p.next()
				return store.RunOpIsNull, t, nil
			}
			if p.keyword(p.peek(), "not") && p.keyword(p.toks[p.pos+1], "null") {
				p.next()
				p.next()
				return store.RunOpIsNotNull, t, nil
			}
		}
	}
	return "", t, nil
}

// allowed lists the operators each kind of field takes, as MLflow does
// (plus IN / NOT IN on params and tags, which MLflow lacks).
var (
	numericOps = []store.RunOp{store.RunOpEq, store.RunOpNe, store.RunOpGt, store.RunOpGe, store.RunOpLt, store.RunOpLe}
	kvOps      = []store.RunOp{store.RunOpEq, store.RunOpNe, store.RunOpLike, store.RunOpILike, store.RunOpIn, store.RunOpNotIn, store.RunOpIsNull, store.RunOpIsNotNull}
	stringOps  = []store.RunOp{store.RunOpEq, store.RunOpNe, store.RunOpLike, store.RunOpILike, store.RunOpIn, store.RunOpNotIn}
)

func opsFor(ent store.RunEntity, key string) (ops []store.RunOp, numeric bool) {
	switch ent {
	case store.RunEntityMetric:
		return numericOps, true
	case store.RunEntityParam, store.RunEntityTag:
		return kvOps, false
	case store.RunEntityAttribute:
		if n, _ := store.RunAttributeNumeric(key); n {
			return numericOps, true
		}
	}
	return stringOps, false
}

func opNames(ops []store.RunOp) string {
	s := make([]string, len(ops))
	for i, o := range ops {
		s[i] = string(o)
	}
	return strings.Join(s, ", ")
}

func (p *parser) comparison() (*store.RunPredicate, error) {
	p.count++
	if p.count > MaxComparisons {
		return nil, fail(p.peek().col, "more than %d comparisons", MaxComparisons)
	}
	ent, key, _, err := p.field("a comparison")
	if err != nil {
		return nil, err
	}
	name := string(ent) + "." + key
	op, ot, err := p.operator()
	if err != nil {
		return nil, err
	}
	if op == "" {
		return nil, fail(ot.col, "expected a comparison operator after %s, got %s", errs.Clip(name), ot.show())
	}
	ops, numeric := opsFor(ent, key)
	ok := false
	for _, o := range ops {
		ok = ok || o == op
	}
	if !ok {
		return nil, fail(ot.col, "operator %s does not apply to %s; use one of %s", op, errs.Clip(name), opNames(ops))
	}
	cmp := &store.RunCompare{Entity: ent, Key: key, Op: op}
	switch op {
	case store.RunOpIsNull, store.RunOpIsNotNull:
	case store.RunOpIn, store.RunOpNotIn:
		if cmp.Strs, err = p.list(); err != nil {
			return nil, err
		}
	default:
		v := p.next()
		if numeric {
			if v.kind != tNumber {
				return nil, fail(v.col, "expected a number after %s %s, got %s", errs.Clip(name), op, v.show())
			}
			f, err := strconv.ParseFloat(v.text, 64)
			if err != nil || math.IsNaN(f) {
				return nil, fail(v.col, "%s is not a number", v.show())
			}
			cmp.Number = f
		} else {
			if v.kind != tString {
				return nil, fail(v.col, "expected a quoted string after %s %s, got %s", errs.Clip(name), op, v.show())
			}
			cmp.Str = v.text
		}
	}
	return &store.RunPredicate{Compare: cmp}, nil
}

func (p *parser) list() ([]string, error) {
	if t := p.next(); t.kind != tLParen {
		return nil, fail(t.col, "expected '(' to start a list, got %s", t.show())
	}
	var out []string
	for {
		v := p.next()
		if v.kind != tString {
			return nil, fail(v.col, "expected a quoted string in the list, got %s", v.show())
		}
		out = append(out, v.text)
		if len(out) > MaxComparisons {
			return nil, fail(v.col, "more than %d values in a list", MaxComparisons)
		}
		sep := p.next()
		if sep.kind == tRParen {
			return out, nil
		}
		if sep.kind != tComma {
			return nil, fail(sep.col, "expected ',' or ')' in the list, got %s", sep.show())
		}
	}
}

// ParseOrderBy parses order_by clauses such as "metrics.auc DESC" or
// "attributes.start_time"; the default direction is ascending. Errors name
// the clause (1-based) and the column within it.
func ParseOrderBy(clauses []string) ([]store.RunSearchOrder, error) {
	if len(clauses) > MaxOrderBy {
		return nil, errs.Invalidf("orderBy: at most %d clauses, got %d", MaxOrderBy, len(clauses))
	}
	out := make([]store.RunSearchOrder, 0, len(clauses))
	for i, c := range clauses {
		o, err := parseOrder(c)
		if err != nil {
			return nil, errs.Invalidf("orderBy[%d]: %s", i, strings.TrimPrefix(err.Error(), "filter: "))
		}
		out = append(out, o)
	}
	return out, nil
}

func parseOrder(s string) (store.RunSearchOrder, error) {
	if len(s) > MaxFilterLen {
		return store.RunSearchOrder{}, errs.Invalidf("filter: at most %d bytes", MaxFilterLen)
	}
	toks, err := lex(s)
	if err != nil {
		return store.RunSearchOrder{}, err
	}
	p := &parser{toks: toks}
	ent, key, col, err := p.field("an order key")
	if err != nil {
		return store.RunSearchOrder{}, err
	}
	if ent == store.RunEntityDataset {
		return store.RunSearchOrder{}, fail(col, "cannot order by datasets")
	}
	o := store.RunSearchOrder{Entity: ent, Key: key}
	if t := p.peek(); t.kind == tIdent {
		switch strings.ToUpper(t.text) {
		case "ASC":
			p.next()
		case "DESC":
			o.Desc = true
			p.next()
		}
	}
	if t := p.peek(); t.kind != tEOF {
		return store.RunSearchOrder{}, fail(t.col, "expected ASC, DESC or end, got %s", t.show())
	}
	return o, nil
}

// String prints q in the canonical form Parse reads back to the same
// query.
func String(q *store.RunQuery) string {
	if q == nil || q.Where == nil {
		return ""
	}
	var b strings.Builder
	writePred(&b, q.Where)
	return b.String()
}

func quote(s string, q byte) string {
	r := strings.ReplaceAll(s, string(q), string([]byte{q, q}))
	if q != '`' {
		r = strings.ReplaceAll(r, `\`, `\\`)
	}
	return string(q) + r + string(q)
}

func writePred(b *strings.Builder, p *store.RunPredicate) {
	switch {
	case p.Compare != nil:
		c := p.Compare
		fmt.Fprintf(b, "%s.%s %s", c.Entity, quote(c.Key, '`'), c.Op)
		switch c.Op {
		case store.RunOpIsNull, store.RunOpIsNotNull:
		case store.RunOpIn, store.RunOpNotIn:
			b.WriteString(" (")
			for i, v := range c.Strs {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString(quote(v, '\''))
			}
			b.WriteString(")")
		default:
			if ops, numeric := opsFor(c.Entity, c.Key); numeric && len(ops) > 0 {
				b.WriteString(" " + strconv.FormatFloat(c.Number, 'g', -1, 64))
			} else {
				b.WriteString(" " + quote(c.Str, '\''))
			}
		}
	default:
		list, join := p.And, " AND "
		if len(p.Or) > 0 {
			list, join = p.Or, " OR "
		}
		b.WriteString("(")
		for i, q := range list {
			if i > 0 {
				b.WriteString(join)
			}
			writePred(b, q)
		}
		b.WriteString(")")
	}
}
