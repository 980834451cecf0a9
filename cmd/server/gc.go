package main

import (
	"runtime/debug"
	"strconv"
	"strings"
)

// gcPercent is the server's default GOGC. Its live heap is small (tens of
// MiB) and most of its garbage is JSON of requests: collecting when the
// heap has grown by 300 % rather than 100 % takes about a fifth less CPU
// per OpenLineage event (bench/README.md) for about 120 MiB more at
// peak. GOGC in the environment overrides it.
const gcPercent = 300

// cgroupMemoryMax is where a container's memory limit is read (cgroup
// v2).
const cgroupMemoryMax = "/sys/fs/cgroup/memory.max"

// tuneGC sets the collector's defaults, unless the environment sets them:
// GOGC to gcPercent, and a soft memory limit of 90 % of the container's
// (GOMEMLIMIT), so a heap that grows toward the container's limit is
// collected harder instead of being killed.
func tuneGC(getenv func(string) string, readFile func(string) ([]byte, error)) (percent int, limit int64) {
	percent, limit = -1, -1
	if getenv("GOGC") == "" {
		percent = gcPercent
		debug.SetGCPercent(percent)
	}
	if getenv("GOMEMLIMIT") == "" {
		if b, err := readFile(cgroupMemoryMax); err == nil {
			if n, ok := memoryMax(string(b)); ok {
				limit = n / 10 * 9
				debug.SetMemoryLimit(limit)
			}
		}
	}
	return percent, limit
}

// memoryMax reads cgroup v2's memory.max: a number of bytes, or "max".
func memoryMax(s string) (int64, bool) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	return n, err == nil && n > 0
}
