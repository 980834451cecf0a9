package main

import (
	"errors"
	"os"
	"runtime/debug"
	"testing"
)

func TestTuneGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	file := func(text string, err error) func(string) ([]byte, error) {
		return func(name string) ([]byte, error) {
			if name != cgroupMemoryMax {
				t.Fatalf("read %s", name)
			}
			return []byte(text), err
		}
	}
	for _, tc := range []struct {
		name        string
		env         map[string]string
		memoryMax   string
		err         error
		wantPercent int
		wantLimit   int64
	}{
		{"defaults in a 1 GiB container", nil, "1073741824\n", nil, gcPercent, 1073741824 / 10 * 9},
		{"no memory limit", nil, "max\n", nil, gcPercent, -1},
		{"no cgroup", nil, "", os.ErrNotExist, gcPercent, -1},
		{"unreadable cgroup", nil, "", errors.New("permission denied"), gcPercent, -1},
		{"GOGC and GOMEMLIMIT set", map[string]string{"GOGC": "100", "GOMEMLIMIT": "512MiB"}, "1073741824", nil, -1, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			debug.SetGCPercent(100)
			debug.SetMemoryLimit(1 << 62)
			p, l := tuneGC(env(tc.env), file(tc.memoryMax, tc.err))
			if p != tc.wantPercent || l != tc.wantLimit {
				t.Fatalf("tuneGC: percent %d, limit %d; want %d, %d", p, l, tc.wantPercent, tc.wantLimit)
			}
			if got := debug.SetGCPercent(100); tc.wantPercent > 0 && got != tc.wantPercent {
				t.Fatalf("GC percent is %d", got)
			}
			if got := debug.SetMemoryLimit(-1); tc.wantLimit > 0 && got != tc.wantLimit {
				t.Fatalf("memory limit is %d", got)
			}
		})
	}
}
