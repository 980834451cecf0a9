package main

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// row is one line of the results table.
type row struct {
	name  string
	calls int
	p50   time.Duration
	p99   time.Duration
	note  string
}

// report is what a run prints at its end: the results table, then the
// profiles of the re-evaluation statement.
type report struct {
	rows     []row
	profiles []string
}

func (rep *report) add(r row) { rep.rows = append(rep.rows, r) }

// print writes the table, the profiles and the process's peak RSS to
// stdout; hub is the dataset version the re-evaluation cases validate.
func (rep *report) print(hubIndex int, hub string) {
	fmt.Println()
	fmt.Println("| operation | calls | p50 | p99 | notes |")
	fmt.Println("|---|---|---|---|---|")
	for _, r := range rep.rows {
		if r.calls == 0 {
			fmt.Printf("| %s | 0 | – | – | %s |\n", r.name, r.note)
			continue
		}
		fmt.Printf("| %s | %d | %s | %s | %s |\n", r.name, r.calls, ms(r.p50), ms(r.p99), r.note)
	}
	fmt.Printf("\nProfiles of the re-evaluation statement (openRequestsBy[\"datasetVersionId\"]); hub %d is %s:\n\n", hubIndex, hub)
	for _, p := range rep.profiles {
		fmt.Println(p)
	}
	fmt.Printf("- peak RSS of the benchmark process: %s\n", peakRSS())
}

// progress says on stderr what the benchmark is measuring now.
func progress(what string) { fmt.Fprintf(os.Stderr, "%s  %s\n", time.Now().Format("15:04:05"), what) }

// cause names a failure for a table cell: the transaction timeout by
// name, anything else shortened.
func cause(err error) string {
	if strings.Contains(err.Error(), "TransactionTimedOut") {
		return fmt.Sprintf("the transaction timed out (%s)", txTimeout)
	}
	return clip(err.Error())
}

// clip shortens an error for a table cell.
func clip(s string) string {
	s = strings.ReplaceAll(s, "|", "/")
	if r := []rune(s); len(r) > 160 {
		return string(r[:160]) + "…"
	}
	return s
}

// profile writes one line per operator: name, rows, db hits and details.
func profile(sb *strings.Builder, p neo4j.ProfiledPlan, depth int) int64 {
	details, _ := p.Arguments()["Details"].(string)
	if len(details) > 140 {
		details = details[:140] + "…"
	}
	fmt.Fprintf(sb, "%s- %s: rows %d, db hits %d; %s\n", strings.Repeat("  ", depth), p.Operator(), p.Records(), p.DbHits(), details)
	total := p.DbHits()
	for _, c := range p.Children() {
		total += profile(sb, c, depth+1)
	}
	return total
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

func kib(n int) string { return fmt.Sprintf("%.1f KiB", float64(n)/1024) }

func machine() string {
	cpu := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if name, ok := strings.CutPrefix(line, "model name"); ok {
				cpu = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(name), ":"))
				break
			}
		}
	}
	return fmt.Sprintf("machine: %d cores (%s), %s, Go %s", runtime.NumCPU(), cpu, runtime.GOOS+"/"+runtime.GOARCH, runtime.Version())
}

func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}
