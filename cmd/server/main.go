// Command server runs the exphub GraphQL API.
//
//	exphub-server [flags]                          serve (flags and EXPHUB_* variables: -h)
//	exphub-server healthcheck [-path /healthz]     probe a running server; exit 0 when it answers 200
//
// "healthcheck" is the container image's HEALTHCHECK (its base has no shell
// or curl); it reads only EXPHUB_ADDR.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/exphub/exphub/internal/config"
	"github.com/exphub/exphub/internal/server"
)

func main() {
	tuneGC(os.Getenv, os.ReadFile)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Environ(), os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "exphub:", err)
		}
		os.Exit(1)
	}
}

func run(ctx context.Context, args, environ []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "healthcheck" {
		return healthcheck(ctx, args[1:], environ, stdout, stderr)
	}
	cfg, err := config.Load(args, environ, stderr)
	if err != nil {
		return err
	}
	return server.Run(ctx, cfg, stdout)
}
