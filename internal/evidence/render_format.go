package evidence

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/exphub/exphub/internal/fairness"
)

// mapBlock is a two-column table of a map, sorted by key.
func mapBlock[V any](heading, none string, m map[string]V, format func(V) string) block {
	rows := make([][]string, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		rows = append(rows, []string{k, format(m[k])})
	}
	return tableBlock(heading, none, []string{"Name", "Value"}, rows)
}

// tableBlock is a table, or the note none when there are no rows.
func tableBlock(heading, none string, header []string, rows [][]string) block {
	if len(rows) == 0 {
		return block{Heading: heading, Note: none}
	}
	return block{Heading: heading, Table: &table{Header: header, Rows: rows}}
}

// formatTime formats a time in UTC to the second; the zero time is "—".
func formatTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'g', 6, 64) }

func formatOpt(f *float64) string {
	if f == nil {
		return "—"
	}
	return formatFloat(*f)
}

// formatValue is a fairness value or "undefined: reason".
func formatValue(v fairness.Value) string {
	switch {
	case v.Value != nil:
		return formatFloat(*v.Value)
	case v.Reason != "":
		return "undefined: " + v.Reason
	}
	return "undefined"
}

// formatAny formats a decoded JSON value: strings as they are, anything
// else as JSON.
func formatAny(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// short abbreviates a hash or digest to its first 12 characters.
func short(h string) string {
	if h == "" {
		return "—"
	}
	if len(h) <= 12 {
		return h
	}
	return h[:12] + "…"
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func listOrNone(items []string) string {
	if len(items) == 0 {
		return "none"
	}
	return strings.Join(items, ", ")
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
