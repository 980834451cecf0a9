package quality

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// TestCSVRecordLimit: a record longer than the bound, on one line or in a
// quoted field that never closes, is an input error naming its row, not a
// read that fills memory; records within it read as before.
func TestCSVRecordLimit(t *testing.T) {
	for _, c := range []struct {
		name, text string
		badRow     int64 // 0: every row reads
	}{
		{"within the bound", "id,note\n1,\"a\nb\"\n2,short\n", 0},
		{"one long line", "id,note\n1,short\n2," + strings.Repeat("x", 300) + "\n", 2},
		{"a quote never closed", "id,note\n1,\"" + strings.Repeat("line\n", 100), 1},
		{"a long quoted field over lines", "id,note\n1,\"" + strings.Repeat("y\n", 200) + "\"\n", 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := newCSVReader(strings.NewReader(c.text), CSVOptions{})
			if err != nil {
				t.Fatal(err)
			}
			r.maxRecord = 100
			var b batch
			var rows int
			for {
				err = r.next(&b, 10)
				if err != nil {
					break
				}
				rows += b.n
			}
			var re *RunError
			switch {
			case c.badRow == 0 && !errors.Is(err, io.EOF):
				t.Fatalf("after %d rows: %v; want every row", rows, err)
			case c.badRow == 0 && rows != 2:
				t.Fatalf("%d rows, want 2", rows)
			case c.badRow > 0 && (!errors.As(err, &re) || re.Code != CodeInput || re.Row != c.badRow || !strings.Contains(re.Message, "longer than 100 bytes") || len(re.Message) > 200):
				t.Fatalf("%v; want an input error on row %d naming the bound, short", err, c.badRow)
			}
		})
	}
}
