package mlflow

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/store"
)

// modelNameRE is what a registered model's own name may hold: letters,
// digits, spaces and "_", ".", "-", starting with a letter or digit. No
// "/" (it separates the project), ":" or "@" (model URIs use them:
// models:/name/1, models:/name@alias).
var modelNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9 _.\-]*$`)

// PlaceModel says where an MLflow registered model name lives, as Place
// does for experiments: "project/model" names the project, any other name
// lives in defaultProject. The model's own name is checked (modelNameRE,
// at most store.MaxNameLen bytes).
func PlaceModel(name, defaultProject string) (projectKey, model string, err error) {
	if strings.TrimSpace(name) == "" {
		return "", "", errs.Invalidf("name: a registered model name must not be empty")
	}
	projectKey, model = defaultProject, name
	if pk, m, ok := strings.Cut(name, "/"); ok {
		if err := store.CheckProjectKey("name", pk); err != nil {
			return "", "", errs.Invalidf("name %s: write project/model with a project key before the slash", errs.Quote(name))
		}
		projectKey, model = pk, m
	} else if defaultProject == "" {
		return "", "", errs.Invalidf("name %s: no default project is configured (EXPHUB_MLFLOW_DEFAULT_PROJECT); name it project/model", errs.Quote(name))
	}
	switch {
	case len(model) > store.MaxNameLen:
		return "", "", errs.Invalidf("name: a model name is at most %d bytes, got %d", store.MaxNameLen, len(model))
	case !modelNameRE.MatchString(model) || strings.HasSuffix(model, " "):
		return "", "", errs.Invalidf("name %s: a model name holds letters, digits, spaces, '_', '.' and '-', starts with a letter or digit and has no other '/'",
			errs.Quote(name))
	}
	return projectKey, model, nil
}

// ModelName is the MLflow name of a hub model, the inverse of PlaceModel.
func ModelName(projectKey, name, defaultProject string) string {
	if projectKey == defaultProject {
		return name
	}
	return projectKey + "/" + name
}

// VersionNumber reads MLflow's version string.
func VersionNumber(version string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(version), 10, 64)
	if err != nil || n < 1 {
		return 0, errs.Invalidf("version: %s is not a version number (1, 2, 3…)", errs.Quote(version))
	}
	return n, nil
}

// Stage reads an MLflow stage name (None, Staging, Production, Archived;
// any case) as the hub's.
func Stage(s string) (store.ModelStage, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "none":
		return store.StageNone, nil
	case "staging":
		return store.StageStaging, nil
	case "production":
		return store.StageProduction, nil
	case "archived":
		return store.StageArchived, nil
	}
	return "", errs.Invalidf("stage: %s is not one of None, Staging, Production, Archived", errs.Quote(s))
}

// StageName is the MLflow name of a hub stage.
func StageName(st store.ModelStage) string {
	switch st {
	case store.StageStaging:
		return "Staging"
	case store.StageProduction:
		return "Production"
	case store.StageArchived:
		return "Archived"
	}
	return "None"
}

// registryClause is one clause of a registry search filter.
type registryClause struct {
	key, op string
	vals    []string
}

// parseRegistryFilter reads the filter of registered-models/search and
// model-versions/search: clauses joined by AND, each `key op value` with
// key one of keys (attributes; "attributes." may prefix them), op one of
// =, !=, LIKE, ILIKE with a quoted string, or IN with a parenthesised
// list of quoted strings. Spaces around = and != are optional
// (name='x', as the client writes it).
func parseRegistryFilter(filter, endpoint string, keys ...string) ([]registryClause, error) {
	filter = strings.TrimSpace(filter)
	if filter == "" {
		return nil, nil
	}
	var out []registryClause
	for _, c := range splitAnd(filter) {
		c = strings.TrimSpace(c)
		bad := errs.Invalidf("filter: %s is not supported; %s filters on %s with =, !=, LIKE, ILIKE or IN",
			errs.Quote(c), endpoint, strings.Join(keys, ", "))
		key, i, ok := filterKey(c)
		if !ok {
			return nil, bad
		}
		known := false
		for _, k := range keys {
			known = known || k == key || (k == "tags" && strings.HasPrefix(key, "tag:"))
		}
		if !known {
			return nil, bad
		}
		rest := strings.TrimSpace(c[i:])
		var op string
		switch {
		case strings.HasPrefix(rest, "!="):
			op, rest = "!=", rest[2:]
		case strings.HasPrefix(rest, "="):
			op, rest = "=", rest[1:]
		default:
			f := strings.Fields(rest)
			if len(f) == 0 {
				return nil, bad
			}
			op = strings.ToUpper(f[0])
			rest = rest[len(f[0]):]
		}
		rest = strings.TrimSpace(rest)
		cl := registryClause{key: key, op: op}
		switch op {
		case "=", "!=", "LIKE", "ILIKE":
			v, err := quoted(rest, c)
			if err != nil {
				return nil, err
			}
			cl.vals = []string{v}
		case "IN":
			if len(rest) < 2 || rest[0] != '(' || rest[len(rest)-1] != ')' {
				return nil, errs.Invalidf("filter: %s: IN takes a list in parentheses", errs.Quote(c))
			}
			for _, item := range strings.Split(rest[1:len(rest)-1], ",") {
				v, err := quoted(strings.TrimSpace(item), c)
				if err != nil {
					return nil, err
				}
				cl.vals = append(cl.vals, v)
			}
		default:
			return nil, bad
		}
		out = append(out, cl)
	}
	return out, nil
}

// filterKey reads the key a clause starts with and returns where it ends:
// an attribute ("name", "attributes.name") or a tag ("tags.team",
// "tag.`mlflow.prompt.is_prompt`"), returned as "tag:" and its key.
func filterKey(c string) (key string, end int, ok bool) {
	ident := func(s string) int {
		return strings.IndexFunc(s, func(r rune) bool {
			return !(r == '_' || r == '.' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
		})
	}
	for _, pre := range []string{"tags.", "tag."} {
		if rest, found := strings.CutPrefix(c, pre); found {
			if strings.HasPrefix(rest, "`") {
				j := strings.Index(rest[1:], "`")
				if j <= 0 {
					return "", 0, false
				}
				return "tag:" + rest[1:1+j], len(pre) + j + 2, true
			}
			j := ident(rest)
			if j <= 0 {
				return "", 0, false
			}
			return "tag:" + rest[:j], len(pre) + j, true
		}
	}
	s := strings.TrimPrefix(c, "`")
	j := ident(s)
	if j <= 0 {
		return "", 0, false
	}
	end = j + len(c) - len(s)
	if strings.HasPrefix(s[j:], "`") {
		end++
	}
	key = strings.TrimPrefix(strings.TrimPrefix(s[:j], "attributes."), "attribute.")
	return key, end, true
}

func quoted(s, clause string) (string, error) {
	if len(s) < 2 || (s[0] != '\'' && s[0] != '"') || s[len(s)-1] != s[0] {
		return "", errs.Invalidf("filter: %s: expected a quoted string value", errs.Quote(clause))
	}
	return s[1 : len(s)-1], nil
}

// match reports whether a value passes the clause; present is false for
// a tag the object does not have, which passes != only (MLflow's
// `tag.x != 'true'` keeps what has no such tag).
func (c registryClause) match(v string, present bool) bool {
	if !present {
		return c.op == "!="
	}
	switch c.op {
	case "=":
		return v == c.vals[0]
	case "!=":
		return v != c.vals[0]
	case "LIKE":
		return like(v, c.vals[0])
	case "ILIKE":
		return like(strings.ToLower(v), strings.ToLower(c.vals[0]))
	case "IN":
		for _, x := range c.vals {
			if v == x {
				return true
			}
		}
	}
	return false
}

// orderTerm is one order_by term: a column and its direction.
type orderTerm struct {
	col  string
	desc bool
}

// parseOrderBy reads order_by terms ("name", "version_number DESC", …)
// over the columns cols (synonyms map to a column).
func parseOrderBy(orderBy []string, cols map[string]string) ([]orderTerm, error) {
	var out []orderTerm
	for _, o := range orderBy {
		f := strings.Fields(o)
		if len(f) == 0 || len(f) > 2 {
			return nil, errs.Invalidf("order_by: %s is not `column [ASC|DESC]`", errs.Quote(o))
		}
		col, ok := cols[strings.TrimPrefix(strings.Trim(f[0], "`"), "attributes.")]
		if !ok {
			return nil, errs.Invalidf("order_by: %s: unknown column", errs.Quote(o))
		}
		t := orderTerm{col: col}
		if len(f) == 2 {
			switch strings.ToUpper(f[1]) {
			case "ASC":
			case "DESC":
				t.desc = true
			default:
				return nil, errs.Invalidf("order_by: %s: the direction is ASC or DESC", errs.Quote(o))
			}
		}
		out = append(out, t)
	}
	return out, nil
}

// sortKey is an item's position in an ordered search: one value per order
// term (numbers zero-padded so they compare as strings) and its ID last.
type sortKey []string

func num(n int64) string { return fmt.Sprintf("%020d", n) }

// compareKeys orders a and b under terms (the ID, last, ascending).
func compareKeys(a, b sortKey, terms []orderTerm) int {
	for i := range a {
		c := strings.Compare(a[i], b[i])
		if i < len(terms) && terms[i].desc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

// encodeKey and decodeKey turn a position into the page token's content.
func encodeKey(k sortKey) string {
	b, _ := json.Marshal(k)
	return string(b)
}

func decodeKey(s string, n int) (sortKey, error) {
	var k sortKey
	if err := json.Unmarshal([]byte(s), &k); err != nil || len(k) != n {
		return nil, errs.Invalidf("page_token: not a token of this search")
	}
	return k, nil
}
