package main

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/exphub/exphub/bench/benchserver"
	exphubconfig "github.com/exphub/exphub/internal/config"
	"github.com/exphub/exphub/internal/server"
)

// hub is the server under test: the binary as a child process, or, for a
// CPU profile (the server has no pprof endpoint), the same configuration
// and internal/server.Run that cmd/server calls, inside this process.
type hub interface {
	URL() string
	Pid() int
	Stop()
}

type childHub struct{ *benchserver.Server }

func (h childHub) URL() string { return h.Base }

// startHub builds and starts the server binary with env, or runs it in
// this process when inProcess is set.
func startHub(dir, uri string, inProcess bool, env []string) (hub, error) {
	if !inProcess {
		bin, err := benchserver.Build(dir)
		if err != nil {
			return nil, err
		}
		s, err := benchserver.Start(bin, uri, os.Stderr, env...)
		if err != nil {
			return nil, err
		}
		return childHub{s}, nil
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	password := os.Getenv("EXPHUB_NEO4J_PASSWORD")
	if password == "" {
		password = "exphub-dev-password"
	}
	cfg, err := exphubconfig.Load(nil, append([]string{"EXPHUB_ADDR=" + addr, "EXPHUB_NEO4J_URI=" + uri, "EXPHUB_NEO4J_PASSWORD=" + password}, env...), os.Stderr)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	h := &inProcessHub{base: "http://" + addr, cancel: cancel, done: make(chan error, 1)}
	go func() { h.done <- server.Run(ctx, cfg, os.Stdout) }()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		if res, err := http.Get(h.base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return h, nil
			}
		}
		select {
		case err := <-h.done:
			return nil, err
		case <-time.After(200 * time.Millisecond):
		}
	}
	h.Stop()
	return nil, errors.New("the in-process server never became ready at " + h.base)
}

type inProcessHub struct {
	base   string
	cancel context.CancelFunc
	done   chan error
}

func (h *inProcessHub) URL() string { return h.base }
func (h *inProcessHub) Pid() int    { return os.Getpid() }
func (h *inProcessHub) Stop() {
	h.cancel()
	<-h.done
}
