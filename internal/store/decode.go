package store

import (
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// props decodes a map of driver values with type checks. The first
// mismatch is kept in err and later reads return zero values, so a decoder
// reads every field and checks err once.
type props struct {
	m   map[string]any
	err error
}

func (p *props) fail(key string, want string, v any) {
	if p.err == nil {
		p.err = fmt.Errorf("decode %s: want %s, got %T", key, want, v)
	}
}

func (p *props) str(key string) string {
	v, ok := p.m[key]
	if !ok || v == nil {
		return ""
	}
	s, ok := v.(string)
	if !ok {
		p.fail(key, "string", v)
	}
	return s
}

func (p *props) optStr(key string) *string {
	if v, ok := p.m[key]; !ok || v == nil {
		return nil
	}
	s := p.str(key)
	return &s
}

func (p *props) int(key string) int64 {
	v, ok := p.m[key]
	if !ok || v == nil {
		return 0
	}
	n, ok := v.(int64)
	if !ok {
		p.fail(key, "integer", v)
	}
	return n
}

func (p *props) optInt(key string) *int64 {
	if v, ok := p.m[key]; !ok || v == nil {
		return nil
	}
	n := p.int(key)
	return &n
}

func (p *props) bool(key string) bool {
	v, ok := p.m[key]
	if !ok || v == nil {
		return false
	}
	b, ok := v.(bool)
	if !ok {
		p.fail(key, "boolean", v)
	}
	return b
}

func (p *props) time(key string) time.Time {
	v, ok := p.m[key]
	if !ok || v == nil {
		return time.Time{}
	}
	t, ok := v.(time.Time)
	if !ok {
		p.fail(key, "datetime", v)
	}
	return t.UTC()
}

func (p *props) optTime(key string) *time.Time {
	if v, ok := p.m[key]; !ok || v == nil {
		return nil
	}
	t := p.time(key)
	return &t
}

func (p *props) list(key string) []any {
	v, ok := p.m[key]
	if !ok || v == nil {
		return nil
	}
	l, ok := v.([]any)
	if !ok {
		p.fail(key, "list", v)
	}
	return l
}

func (p *props) strs(key string) []string {
	l := p.list(key)
	out := make([]string, 0, len(l))
	for _, v := range l {
		s, ok := v.(string)
		if !ok {
			p.fail(key, "list of strings", v)
			return nil
		}
		out = append(out, s)
	}
	return out
}

func (p *props) ints(key string) []int64 {
	l := p.list(key)
	out := make([]int64, 0, len(l))
	for _, v := range l {
		n, ok := v.(int64)
		if !ok {
			p.fail(key, "list of integers", v)
			return nil
		}
		out = append(out, n)
	}
	return out
}

func (p *props) floats(key string) []float64 {
	l := p.list(key)
	out := make([]float64, 0, len(l))
	for _, v := range l {
		f, ok := v.(float64)
		if !ok {
			p.fail(key, "list of floats", v)
			return nil
		}
		out = append(out, f)
	}
	return out
}

func (p *props) bools(key string) []bool {
	l := p.list(key)
	out := make([]bool, 0, len(l))
	for _, v := range l {
		b, ok := v.(bool)
		if !ok {
			p.fail(key, "list of booleans", v)
			return nil
		}
		out = append(out, b)
	}
	return out
}

func (p *props) maps(key string) []map[string]any {
	l := p.list(key)
	out := make([]map[string]any, 0, len(l))
	for _, v := range l {
		m, ok := v.(map[string]any)
		if !ok {
			p.fail(key, "list of maps", v)
			return nil
		}
		out = append(out, m)
	}
	return out
}

// recMap reads a map-valued column of a record.
func recMap(rec *neo4j.Record, key string) (map[string]any, error) {
	m, isNil, err := neo4j.GetRecordValue[map[string]any](rec, key)
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", key, err)
	}
	if isNil {
		return nil, nil
	}
	return m, nil
}

// recDecode decodes a map-valued column of a record with fn; a null there
// is an error.
func recDecode[T any](rec *neo4j.Record, key string, fn func(map[string]any) (T, error)) (T, error) {
	m, err := recMap(rec, key)
	if err == nil && m == nil {
		err = fmt.Errorf("decode %s: want a map, got null", key)
	}
	if err != nil {
		var zero T
		return zero, err
	}
	return fn(m)
}

// recsDecode decodes the map-valued column key of every record with fn.
func recsDecode[T any](recs []*neo4j.Record, key string, fn func(map[string]any) (T, error)) ([]T, error) {
	out := make([]T, 0, len(recs))
	for _, rec := range recs {
		v, err := recDecode(rec, key, fn)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// recInt reads an integer column of a record.
func recInt(rec *neo4j.Record, key string) (int64, error) {
	n, _, err := neo4j.GetRecordValue[int64](rec, key)
	if err != nil {
		return 0, fmt.Errorf("decode %s: %w", key, err)
	}
	return n, nil
}

// recStr reads a string column of a record.
func recStr(rec *neo4j.Record, key string) (string, error) {
	s, _, err := neo4j.GetRecordValue[string](rec, key)
	if err != nil {
		return "", fmt.Errorf("decode %s: %w", key, err)
	}
	return s, nil
}

// recStrs reads a list-of-strings column of a record.
func recStrs(rec *neo4j.Record, key string) ([]string, error) {
	return recList(rec, key, (*props).strs)
}

// recMaps reads a list-of-maps column of a record.
func recMaps(rec *neo4j.Record, key string) ([]map[string]any, error) {
	return recList(rec, key, (*props).maps)
}

// recList reads a list column of a record with one of props' list
// readers, which checks the items' type.
func recList[T any](rec *neo4j.Record, key string, items func(*props, string) T) (T, error) {
	var zero T
	l, _, err := neo4j.GetRecordValue[[]any](rec, key)
	if err != nil {
		return zero, fmt.Errorf("decode %s: %w", key, err)
	}
	p := props{m: map[string]any{key: l}}
	out := items(&p, key)
	return out, p.err
}

// decodeAll decodes each map with fn.
func decodeAll[T any](ms []map[string]any, fn func(map[string]any) (T, error)) ([]T, error) {
	out := make([]T, 0, len(ms))
	for _, m := range ms {
		v, err := fn(m)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// decodeConn decodes a record with columns total and items into a page.
func decodeConn[T any](rec *neo4j.Record, list string, decode func(map[string]any) (T, error), first int, key func(T) (any, string)) (Conn[T], error) {
	total, err := recInt(rec, "total")
	if err != nil {
		return Conn[T]{}, err
	}
	ms, err := recMaps(rec, "items")
	if err != nil {
		return Conn[T]{}, err
	}
	items, err := decodeAll(ms, decode)
	if err != nil {
		return Conn[T]{}, err
	}
	return pageOf(items, list, first, total, key), nil
}

// recBool reads a boolean column of a record.
func recBool(rec *neo4j.Record, key string) (bool, error) {
	b, _, err := neo4j.GetRecordValue[bool](rec, key)
	if err != nil {
		return false, fmt.Errorf("decode %s: %w", key, err)
	}
	return b, nil
}
