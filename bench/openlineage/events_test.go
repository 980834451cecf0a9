package main

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

// TestEncodeIsMarshal: the clients send the bytes json.Marshal writes for
// their events, STARTs and COMPLETEs, with and without column lineage.
func TestEncodeIsMarshal(t *testing.T) {
	for _, columns := range []bool{true, false} {
		p := newPool(7, 6, 20, columns)
		c := newProducer(p, 3, 2)
		for range 40 {
			r, complete := c.next(time.Now(), false)
			e := p.runEvent(r, complete)
			want, err := json.Marshal(e)
			if err != nil {
				t.Fatal(err)
			}
			if got := e.encode(); !bytes.Equal(got, want) {
				t.Fatalf("encode:\n got %s\nwant %s", got, want)
			}
		}
	}
}
