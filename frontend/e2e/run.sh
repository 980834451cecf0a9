#!/usr/bin/env bash
# Runs the explorer's browser tests: installs Debian's Chromium when it is
# missing, starts the server (built with the explorer) in dev mode against
# the test Neo4j on NEO4J_TEST_URI, and runs e2e/explorer.mjs against it.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
  echo "e2e: installing chromium"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
tmp=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$tmp"' EXIT
(cd .. && go build -o "$tmp/exphub-server" ./cmd/server && go build -o "$tmp/hubctl" ./cmd/hubctl)
# A generated graph for the 1,000-node lineage check (project perf-0's
# reference.table_0 is its most-read dataset). It is kept between runs on
# the same database: a second generate is refused, which is fine.
uri=${NEO4J_TEST_URI:-bolt://127.0.0.1:7688}
if ! gen=$("$tmp/hubctl" generate --nodes 20000 --seed 5 --prefix perf --neo4j-uri "$uri" 2>&1); then
  grep -q "already exist" <<<"$gen" || { echo "$gen"; exit 1; }
fi
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
# The server signs and checks tokens with a secret of this run's own (not
# the built-in development one), and hubctl mints, with the same secret,
# the tokens of the two people of the governance test: one who asks for
# promotions and one who approves them (never the same person).
secret=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
governance=e2e-governance
requester=$(EXPHUB_JWT_SECRET=$secret "$tmp/hubctl" token --sub e2e-requester --role "$governance=contributor" --ttl 2h)
approver=$(EXPHUB_JWT_SECRET=$secret "$tmp/hubctl" token --sub e2e-approver --role "$governance=approver" --group risk --ttl 2h)
# Feast's recorded OpenLineage events (namespace hub_demo, Feast's
# project) land in a project of this run's own, so a run on a database an
# earlier one used starts with no feature views (e2e/suites/feast.mjs).
feast=e2e-feast-$(python3 -c 'import secrets; print(secrets.token_hex(4))')
# Validation on arrival for the project the steps write to only: the test
# Neo4j also holds the Go tests' projects, whose registrations are theirs.
EXPHUB_ADDR=127.0.0.1:$port EXPHUB_DEV=true EXPHUB_LOG_LEVEL=warn EXPHUB_JWT_SECRET=$secret EXPHUB_ARTIFACT_ROOT=$tmp/artifacts EXPHUB_VALIDATION_ON_ARRIVAL=fraud \
  EXPHUB_OPENLINEAGE_PROJECTS=hub_demo=$feast \
  EXPHUB_NEO4J_URI=$uri "$tmp/exphub-server" >"$tmp/out.log" 2>"$tmp/err.log" &
pid=$!
pids+=("$pid")
# The server migrates and seeds the demo before it prints its sign-in link,
# which takes minutes on a busy machine. Wait on the server, not a clock:
# while it runs and has not printed the link, it is still working; when it
# exits, fail at once with its output. The cap only ends a server that hangs.
wait_cap=${E2E_SERVER_WAIT:-1200} # seconds
started=$SECONDS
next_note=$((SECONDS + 30))
until grep -q "token=" "$tmp/out.log" 2>/dev/null; do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "e2e: the server exited before printing its sign-in token"
    cat "$tmp/out.log" "$tmp/err.log"
    exit 1
  fi
  if (( SECONDS - started >= wait_cap )); then
    echo "e2e: the server is running but printed no sign-in token in ${wait_cap}s"
    cat "$tmp/out.log" "$tmp/err.log"
    exit 1
  fi
  if (( SECONDS >= next_note )); then
    echo "e2e: waiting for the server to seed the demo ($((SECONDS - started))s)"
    next_note=$((SECONDS + 30))
  fi
  sleep 0.5
done
token=$(sed -n 's/.*?token=\([^ ]*\).*/\1/p' "$tmp/out.log" | head -n 1)
[ -n "$token" ] || { echo "e2e: the server printed no token"; cat "$tmp/out.log" "$tmp/err.log"; exit 1; }
# The suites' environment (not exported: the servers started below refuse
# settings they do not know).
suite() {
  EXPHUB_URL=http://127.0.0.1:$port EXPHUB_TOKEN=$token EXPHUB_JWT_SECRET=$secret \
    EXPHUB_GOVERNANCE_PROJECT=$governance EXPHUB_TOKEN_REQUESTER=$requester EXPHUB_TOKEN_APPROVER=$approver HUBCTL=$tmp/hubctl \
    EXPHUB_FEAST_PROJECT=$feast \
    node "$@"
}
# E2E_ONLY=NAME runs only e2e/suites/NAME.mjs (or explorer), while working
# on one area; make test runs them all.
if [ -z "${E2E_ONLY:-}" ] || [ "$E2E_ONLY" = explorer ]; then
  suite e2e/explorer.mjs
fi
# Single sign-on: a real OpenID provider (e2e/oidc-provider.mjs, panva's
# oidc-provider) and a second server, on the same database, that trusts
# its keys and offers the explorer's sign-in with it. Each is waited for:
# a process that exits fails the run at once with its output.
await_ready() { # NAME PID LOG CHECK…: until CHECK succeeds while PID runs
  local name=$1 p=$2 log=$3; shift 3
  local started=$SECONDS
  until "$@" >/dev/null 2>&1; do
    if ! kill -0 "$p" 2>/dev/null; then echo "e2e: $name exited"; cat "$log"; exit 1; fi
    if (( SECONDS - started >= wait_cap )); then echo "e2e: $name not ready in ${wait_cap}s"; cat "$log"; exit 1; fi
    sleep 0.2
  done
}
if [ -z "${E2E_ONLY:-}" ] || [ "$E2E_ONLY" = sso ]; then
  oidc_port=$(free_port)
  sso_port=$(free_port)
  OIDC_PORT=$oidc_port OIDC_HUB=http://127.0.0.1:$sso_port OIDC_RESOURCE=urn:exphub:e2e OIDC_AUDIENCE=exphub-e2e \
    node e2e/oidc-provider.mjs >"$tmp/oidc.log" 2>&1 &
  pids+=("$!")
  await_ready "the OpenID provider" "$!" "$tmp/oidc.log" grep -q "oidc-provider listening" "$tmp/oidc.log"
  issuer=http://127.0.0.1:$oidc_port
  EXPHUB_ADDR=127.0.0.1:$sso_port EXPHUB_LOG_LEVEL=warn EXPHUB_NEO4J_URI=$uri EXPHUB_NEO4J_PASSWORD=${NEO4J_TEST_PASSWORD:-exphub-dev-password} \
    EXPHUB_ARTIFACT_ROOT=$tmp/artifacts-sso EXPHUB_JWT_JWKS_URL=$issuer/jwks EXPHUB_JWT_ISSUER=$issuer EXPHUB_JWT_AUDIENCE=exphub-e2e \
    EXPHUB_JWT_ROLES_CLAIM=https://exphub.test/roles EXPHUB_JWT_GROUP_ROLES=risk=fraud:viewer \
    EXPHUB_OIDC_CLIENT_ID=exphub-explorer EXPHUB_OIDC_RESOURCE=urn:exphub:e2e EXPHUB_OIDC_PROVIDER_NAME="E2E provider" \
    "$tmp/exphub-server" >"$tmp/sso.log" 2>&1 &
  pids+=("$!")
  await_ready "the single sign-on server" "$!" "$tmp/sso.log" curl -sf "http://127.0.0.1:$sso_port/readyz"
  echo "e2e: e2e/sso.mjs"
  EXPHUB_SSO_URL=http://127.0.0.1:$sso_port OIDC_ISSUER=$issuer suite e2e/sso.mjs
fi
# Further suites, one file per area, against the same server: each makes
# its own projects and tokens (hubctl token with EXPHUB_JWT_SECRET).
for suite in e2e/suites/*.mjs; do
  [ -e "$suite" ] || continue
  if [ -n "${E2E_ONLY:-}" ] && [ "$suite" != "e2e/suites/$E2E_ONLY.mjs" ]; then continue; fi
  echo "e2e: $suite"
  suite "$suite"
done
