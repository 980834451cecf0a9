package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/exphub/exphub/internal/governance"
	"github.com/exphub/exphub/internal/openlineage"
	"github.com/exphub/exphub/internal/store"
	"github.com/exphub/exphub/internal/store/storegen"
)

// The server has no pprof endpoint, so what one acknowledgement costs is
// measured here, below HTTP: the benchmark's events, parsed and mapped as
// the handler does, written with store.IngestLineage in batches of the
// sizes the group commit makes, through a driver that times every
// statement. Against the benchmark Neo4j (BENCH_NEO4J_URI, default
// bolt://127.0.0.1:7689), into a fresh project per sub-benchmark:
//
//	go test ./bench/openlineage -run '^$' -bench . -benchtime 200x [-cpuprofile cpu.out] [-args -plans]
//
// With -plans every statement runs under PROFILE and the plans of the
// most expensive statements are printed (PROFILE adds time of its own).

var plans = flag.Bool("plans", false, "profile the statements and print the plans of the most expensive ones")

func benchURI() string {
	if u := os.Getenv("BENCH_NEO4J_URI"); u != "" {
		return u
	}
	return "bolt://127.0.0.1:7689"
}

// BenchmarkParseAndMap is the handler's work on one event before the
// store: the spec check, the canonical hash and the mapping.
func BenchmarkParseAndMap(b *testing.B) {
	p := newPool(1, 40, 120, true)
	c := newProducer(p, 1, 4)
	bodies := make([][]byte, 256)
	for i := range bodies {
		r, complete := c.next(time.Now(), false)
		bodies[i] = p.event(r, complete)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		e, err := openlineage.Parse(bodies[i%len(bodies)])
		if err != nil {
			b.Fatal(err)
		}
		if _, err := e.Mapped("bench", "airflow-00"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIngestLineage writes b.N batches of n events each. The events
// come as from one producer with n/2 runs open (at least one), so a
// batch holds STARTs of new runs and COMPLETEs of runs of the batch
// before, as the group commit's batches do under load. The last case
// leaves the column lineage out of the events, to show what it costs.
func BenchmarkIngestLineage(b *testing.B) {
	ctx := context.Background()
	password := os.Getenv("EXPHUB_NEO4J_PASSWORD")
	if password == "" {
		password = "exphub-dev-password"
	}
	driver, err := neo4j.NewDriverWithContext(benchURI(), neo4j.BasicAuth("neo4j", password, ""))
	if err != nil {
		b.Fatal(err)
	}
	defer driver.Close(ctx)
	timed, timings := storegen.Timing(driver, *plans)
	s := store.New(timed, "", store.WithRules(governance.Rules))
	if err := s.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		n                 int
		columns, recorded bool
	}{{1, true, false}, {8, true, false}, {32, true, false}, {128, true, false}, {32, false, false}, {128, true, true}, {512, true, true}} {
		n, p := tc.n, newPool(1, 40, 120, tc.columns)
		name := fmt.Sprintf("batch=%d", n)
		if !tc.columns {
			name += "/no-column-lineage"
		}
		if tc.recorded {
			// As EXPHUB_OPENLINEAGE_ACK=recorded applies them: each event
			// recorded first (untimed), then the batch applied.
			name += "/recorded"
		}
		b.Run(name, func(b *testing.B) {
			key := fmt.Sprintf("bench-oli-%d-%s", n, strings.ToLower(fmt.Sprint(time.Now().UnixNano()%1e9)))
			if _, err := s.CreateProject(ctx, "bench", store.CreateProjectInput{Key: key, Name: key}); err != nil {
				b.Fatal(err)
			}
			c := newProducer(p, uint64(n), max(1, n/2))
			batches := make([][]store.LineageEvent, b.N)
			records := make([][]store.LineageRecord, b.N)
			for i := range batches {
				for range n {
					r, complete := c.next(time.Now(), false)
					body := p.event(r, complete)
					e, err := openlineage.Parse(body)
					if err != nil {
						b.Fatal(err)
					}
					m, err := e.Mapped(key, "airflow-00")
					if err != nil {
						b.Fatal(err)
					}
					batches[i] = append(batches[i], m)
					records[i] = append(records[i], store.LineageRecord{Hash: m.Hash, ProjectKey: key, Actor: m.Actor, Body: gzipped(body)})
				}
			}
			timings.Reset()
			b.ResetTimer()
			for i, batch := range batches {
				if tc.recorded {
					b.StopTimer()
					if _, err := s.RecordLineage(ctx, records[i]); err != nil {
						b.Fatal(err)
					}
					// The statement breakdown then covers the last batch
					// only, without the recording.
					timings.Reset()
					b.StartTimer()
				}
				res, err := s.IngestLineage(ctx, batch, openlineage.Next)
				if err != nil {
					b.Fatal(err)
				}
				for _, r := range res {
					if r.Err != nil || r.Duplicate {
						b.Fatalf("event: duplicate %v, error %v", r.Duplicate, r.Err)
					}
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "events/s")
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/batch")
			t := timings.Snapshot()
			b.ReportMetric(float64(t.Attempts)/float64(max(1, t.Transactions)), "attempts/tx")
			var sb strings.Builder
			fmt.Fprintf(&sb, "%d transactions of %d events: %.1f ms each, %.1f ms of it in %d statements, %.1f ms outside them (begin, commit, Go)\n",
				t.Transactions, n, ms(t.Total)/float64(t.Transactions), ms(t.InStatements)/float64(t.Transactions),
				runsOf(t)/max(1, t.Transactions), ms(t.Total-t.InStatements)/float64(t.Transactions))
			fmt.Fprintf(&sb, "  %-9s %-9s %-6s %-5s %-32s %s\n", "ms/tx", "in Neo4j", "of tx", "runs", "per event: nodes rels props hits", "statement")
			events := float64(t.Transactions * n)
			for _, st := range t.Statements {
				hits := "-" // without -plans
				if *plans {
					hits = fmt.Sprintf("%.0f", float64(st.DbHits)/events)
				}
				fmt.Fprintf(&sb, "  %-9.2f %-9.2f %5.1f%% %-5d %5.1f %5.1f %5.1f %9s      %s\n", ms(st.Total)/float64(t.Transactions),
					ms(st.InNeo4j)/float64(t.Transactions), 100*float64(st.Total)/float64(t.Total), st.Runs,
					float64(st.NodesCreated)/events, float64(st.RelsCreated)/events, float64(st.PropsSet)/events, hits,
					firstLine(st.Cypher))
			}
			if *plans {
				for _, st := range t.Statements[:min(3, len(t.Statements))] {
					fmt.Fprintf(&sb, "\n%s\n%s", st.Cypher, st.Plan)
				}
			}
			// The breakdown of the last round only (the one the figures
			// above come from); b.Log would cut it short.
			if b.N > 1 {
				fmt.Print(sb.String())
			}
		})
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func runsOf(t storegen.TxTimes) int {
	n := 0
	for _, s := range t.Statements {
		n += s.Runs
	}
	return n
}

// firstLine names a statement by its first meaningful line.
func firstLine(cypher string) string {
	for _, l := range strings.Split(cypher, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			if len(l) > 110 {
				l = l[:110] + "…"
			}
			return l
		}
	}
	return ""
}
