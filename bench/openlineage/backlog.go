package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// backlogWatch follows the events the hub recorded and has not applied
// yet (LineageEvent nodes still pending) while the clients send: with
// --ack recorded an acknowledgement comes before the graph shows the
// event, so events/s acknowledged is a rate of the graph only if the
// backlog stays bounded. It reads the count at the start and the end of
// the measured span and once a second in between.
type backlogWatch struct {
	driver neo4j.DriverWithContext

	mu         sync.Mutex
	start, end int64
	max        int64
	stop       chan struct{}
	done       chan struct{}
}

func watchBacklog(ctx context.Context, driver neo4j.DriverWithContext, l *load) *backlogWatch {
	w := &backlogWatch{driver: driver, stop: make(chan struct{}), done: make(chan struct{})}
	start, end := l.atStart, l.atEnd
	l.atStart = func() {
		w.start, _ = w.count(ctx)
		go w.sample(ctx)
		if start != nil {
			start()
		}
	}
	l.atEnd = func() {
		if end != nil {
			end()
		}
		close(w.stop)
		<-w.done
		w.end, _ = w.count(ctx)
	}
	return w
}

func (w *backlogWatch) count(ctx context.Context) (int64, error) {
	res, err := neo4j.ExecuteQuery(ctx, w.driver, `MATCH (e:LineageEvent) WHERE e.pending = true RETURN count(e) AS n`,
		nil, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithReadersRouting())
	if err != nil {
		return 0, err
	}
	n, _ := res.Records[0].Get("n")
	return n.(int64), nil
}

func (w *backlogWatch) sample(ctx context.Context) {
	defer close(w.done)
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-w.stop:
			return
		case <-t.C:
		}
		if n, err := w.count(ctx); err == nil {
			w.mu.Lock()
			w.max = max(w.max, n)
			w.mu.Unlock()
		}
	}
}

// report prints the backlog and the rate at which the graph took the
// events in the measured span, then waits until the backlog is empty
// (the checks read the graph after).
func (w *backlogWatch) report(ctx context.Context, out io.Writer, res *loadResult) error {
	applied := float64(int64(res.inWindow)-(w.end-w.start)) / res.window.Seconds()
	fmt.Fprintf(out, "recorded, not yet applied: %d at the start of the measured span, %d at its end, at most %d in between; applied to the graph: %.0f events/s\n",
		w.start, w.end, w.max, applied)
	began := time.Now()
	deadline := began.Add(10 * time.Minute)
	for {
		n, err := w.count(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			fmt.Fprintf(out, "backlog applied %v after the clients stopped\n", time.Since(began).Round(time.Millisecond))
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d events still recorded and not applied 10 minutes after the clients stopped", n)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
