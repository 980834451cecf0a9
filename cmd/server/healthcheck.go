package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// healthcheckUsage is printed for "exphub-server healthcheck -h".
const healthcheckUsage = `usage: exphub-server healthcheck [-path /healthz] [-timeout 3s]

GETs http://127.0.0.1:<port><path> on the port of EXPHUB_ADDR (default
8080) and exits 0 when the server answers 200, 1 otherwise. It is the
image's HEALTHCHECK: the distroless base has no shell, curl or wget.
`

// healthcheck probes the server running in this container (or on this host)
// and returns nil when it answers 200 within timeout. It reads only
// EXPHUB_ADDR from environ, never the rest of the configuration: a probe
// must not need the server's secrets, nor fail on a key it does not know.
func healthcheck(ctx context.Context, args, environ []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("exphub-server healthcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, healthcheckUsage) }
	path := fs.String("path", "/healthz", "path to GET: /healthz (process up) or /readyz (Neo4j reachable)")
	timeout := fs.Duration("timeout", 3*time.Second, "how long to wait for the answer")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("healthcheck: unexpected argument %q", fs.Arg(0))
	}
	if !strings.HasPrefix(*path, "/") {
		return fmt.Errorf("healthcheck: -path %q must start with /", *path)
	}
	url, err := probeURL(environ, *path)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	// No proxy: the probe is for this host's server, whatever HTTP_PROXY says.
	client := &http.Client{Transport: &http.Transport{Proxy: nil}}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: GET %s: %w", url, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: GET %s: %s", url, resp.Status)
	}
	fmt.Fprintf(stdout, "ok: GET %s: %s\n", url, resp.Status)
	return nil
}

// probeURL is the URL of path on the server EXPHUB_ADDR configures: its
// port on the loopback address when it listens on every address (the
// container's case, 0.0.0.0:8080) or on loopback, else its own host.
func probeURL(environ []string, path string) (string, error) {
	addr := "127.0.0.1:8080"
	for _, kv := range environ {
		if v, ok := strings.CutPrefix(kv, "EXPHUB_ADDR="); ok && v != "" {
			addr = v
		}
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		return "", fmt.Errorf("healthcheck: EXPHUB_ADDR=%q: must be host:port", addr)
	}
	switch host {
	case "", "0.0.0.0", "::", "localhost":
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + path, nil
}
