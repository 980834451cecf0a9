# exphub — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

NEO4J        := deploy/neo4j/neo4j.sh
# The test instance never touches development data: its own port and folder.
TEST_NEO4J_PORT ?= 7688
TEST_NEO4J   := NEO4J_BOLT_PORT=$(TEST_NEO4J_PORT) NEO4J_DATA_DIR=.data/neo4j-test $(NEO4J)
GO_TEST_FLAGS ?= -race -count=1 -timeout 30m
# The benchmark instance: its own port and folder, memory for a graph of a
# million nodes (the store is about 1 GiB).
BENCH_NEO4J_PORT ?= 7689
BENCH_NEO4J  := NEO4J_BOLT_PORT=$(BENCH_NEO4J_PORT) NEO4J_DATA_DIR=.data/neo4j-bench NEO4J_HEAP=4g NEO4J_PAGECACHE=3g $(NEO4J)
BENCH_ARGS   ?=
# make backup writes here when set (default .data/backups/<time>); make restore reads it.
BACKUP_DIR   ?=

.PHONY: help run test test-go e2e frontend frontend-test neo4j-start neo4j-stop neo4j-status generate check-generated build bench-lineage bench-events bench-neo4j-stop bench-quality bench-governance bench-abuse bench-documents bench-openlineage bench-mlflow backup restore

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

run: frontend ## start Neo4j, migrate, seed the demo once, serve the API and the explorer on http://localhost:8080
	$(NEO4J) start
	EXPHUB_DEV=true go run ./cmd/server

test: frontend-test ## run every test against a fresh test Neo4j (port 7688)
	$(TEST_NEO4J) stop
	rm -rf .data/neo4j-test
	$(TEST_NEO4J) start
	@status=0; \
	$(MAKE) --no-print-directory check-generated test-go e2e || status=$$?; \
	$(TEST_NEO4J) stop; \
	exit $$status

e2e: ## the explorer in Debian's Chromium (installed when missing) against a dev server on the running test Neo4j
	cd frontend && NEO4J_TEST_URI=bolt://127.0.0.1:$(TEST_NEO4J_PORT) npm run e2e

test-go: ## go vet and go test -race against a running test Neo4j
	go vet ./...
	NEO4J_TEST_URI=bolt://127.0.0.1:$(TEST_NEO4J_PORT) go test $(GO_TEST_FLAGS) ./...

generate: ## regenerate GraphQL code (Go and the explorer's typed operations) from schema.graphqls and schema/
	go run ./internal/gqlgenplain
	cd frontend && npm ci --no-audit --no-fund && npm run codegen

frontend/node_modules/.package-lock.json: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund

frontend: frontend/node_modules/.package-lock.json ## build the explorer into frontend/static/app (embedded by the server)
	cd frontend && npm run build

frontend-test: frontend/node_modules/.package-lock.json ## the explorer: typed operations up to date, type check, unit tests, build
	cd frontend && npm run codegen -- --check
	cd frontend && npm run typecheck && npm test && npm run build && npm run size

check-generated: ## fail when generated code is stale against schema.graphqls and schema/ (changes nothing)
	@tmp=$$(mktemp -d); files="graph/generated.go graph/plain_gen.go graph/model/models_gen.go $$(echo resolvers/*.resolvers.go)"; \
	for f in $$files; do mkdir -p $$tmp/$$(dirname $$f); cp $$f $$tmp/$$f; done; \
	go run ./internal/gqlgenplain; stale=""; \
	for f in $$files; do cmp -s $$tmp/$$f $$f || stale="$$stale $$f"; cp $$tmp/$$f $$f; done; \
	for f in resolvers/*.resolvers.go; do case " $$files " in *" $$f "*) ;; *) stale="$$stale $$f(new)"; rm -f $$f;; esac; done; \
	rm -rf $$tmp; \
	if [ -n "$$stale" ]; then echo "generated code is stale:$$stale; run 'make generate' and commit the result"; exit 1; fi; \
	echo "generated code is up to date"

build: frontend ## build the server (with the explorer) and hubctl into bin/
	go build -o bin/exphub-server ./cmd/server
	go build -o bin/hubctl ./cmd/hubctl

bench-lineage: ## lineage/impact/path latency, GraphQL against raw Cypher, on a generated 1M-node graph (port 7689)
	$(BENCH_NEO4J) start
	go run ./bench/lineage --neo4j-uri bolt://127.0.0.1:$(BENCH_NEO4J_PORT) $(BENCH_ARGS)

bench-events: ## subscription delivery latency and server memory: 1,000 subscribers, 100 events/s (port 7689)
	$(BENCH_NEO4J) start
	go run ./bench/events --neo4j-uri bolt://127.0.0.1:$(BENCH_NEO4J_PORT) $(BENCH_ARGS)

bench-quality: ## data-quality engine vs Polars, DuckDB, pandera, GX: a 10-rule suite over 1,000,000 rows as CSV and Parquet (no Neo4j; Python venv); BENCH_ARGS="--peers=false" for the hub alone
	go run ./bench/quality $(BENCH_ARGS)

bench-governance: ## promotions, approvals, re-evaluation on validation, evidence packs, audit verification on the 1M-node graph (port 7689)
	$(BENCH_NEO4J) start
	go run ./bench/governance --neo4j-uri bolt://127.0.0.1:$(BENCH_NEO4J_PORT) $(BENCH_ARGS)

bench-abuse: ## a victim's latency while one caller floods the hub with alias fan-outs, default limits against lifted ones (port 7689)
	$(BENCH_NEO4J) start
	go run ./bench/abuse --neo4j-uri bolt://127.0.0.1:$(BENCH_NEO4J_PORT) $(BENCH_ARGS)

bench-mlflow: ## the MLflow API side by side with a real MLflow 3.17.2 server (SQLite): metric points, history, run creation, search (port 7689)
	$(BENCH_NEO4J) start
	go run ./bench/mlflow --neo4j-uri bolt://127.0.0.1:$(BENCH_NEO4J_PORT) $(BENCH_ARGS)

bench-openlineage: ## OpenLineage ingestion through the server binary: 8 clients for 60 s, events/s, acknowledgement latency, what the hub holds (port 7689)
	$(BENCH_NEO4J) start
	go run ./bench/openlineage --neo4j-uri bolt://127.0.0.1:$(BENCH_NEO4J_PORT) $(BENCH_ARGS)

bench-documents: ## the worst GraphQL document the limits admit: check, parse, validate, cost (no Neo4j)
	go test ./internal/api -run '^$$' -bench 'WorstAllowedDocument|RefusedFragmentBomb' -benchtime 20x

bench-neo4j-stop: ## stop the benchmark Neo4j (its graph stays in .data/neo4j-bench)
	$(BENCH_NEO4J) stop

backup: ## back up the development Neo4j into .data/backups/<time>/ (or BACKUP_DIR): an offline dump, so it stops and starts again
	deploy/neo4j/backup.sh dump $(BACKUP_DIR)

restore: ## replace the development Neo4j's graph with BACKUP_DIR (a folder make backup wrote), start it, verify its event log
	@test -n "$(BACKUP_DIR)" || { echo "usage: make restore BACKUP_DIR=.data/backups/<backup>   (ls .data/backups)" >&2; exit 2; }
	deploy/neo4j/backup.sh load $(BACKUP_DIR)
	$(NEO4J) start
	go run ./cmd/hubctl audit verify --neo4j-uri bolt://127.0.0.1:$${NEO4J_BOLT_PORT:-7687}

neo4j-start: ## start the development Neo4j (port 7687)
	$(NEO4J) start

neo4j-stop: ## stop the development Neo4j
	$(NEO4J) stop

neo4j-status: ## is the development Neo4j running?
	$(NEO4J) status
