"""Run real Feast against the hub: `feast apply` then `feast materialize-incremental`.

Copies the repository ../feast/repo into a work directory, writes its data
file (a small parquet file of daily spend per customer, timestamps in the
last days so materialization has rows to load), and runs the venv's `feast`
command line on it, as a Feast user would. Feast itself reports both steps
to the hub over OpenLineage (the `openlineage:` block of feature_store.yaml,
HTTP transport, HUB_TOKEN as the Bearer api key):
  apply        one COMPLETE run (no START) of job feast_feature_views_<project>
               (data source + entity -> feature view) and one of job
               feature_service_<service> (feature view -> feature service)
  materialize  START then COMPLETE of job materialize_<project>
               (feature view [+ source and entity on START] ->
               online_store_<feature view>)
All jobs and datasets are in the namespace <project>: the yaml says
`namespace: feast`, which Feast replaces by the project name.

Feast swallows delivery errors (it logs them and goes on); this script looks
for them in Feast's output and fails when it finds one, so a hub that
rejected an event fails the step that sent it. --allow-emit-errors turns that
off, for tests that expect the hub to refuse.

Usage: run_feast.py [--url URL] [--project NAME] [--work-dir DIR] [--gzip]
                    [--skip-materialize] [--allow-emit-errors]
Env:   HUB_URL        the hub's base URL when --url is not given
       HUB_TOKEN      api key sent as "Authorization: Bearer <key>" [none]
       FEAST_PROJECT  the Feast project (and so OpenLineage namespace) when
                      --project is not given [fraud_features]
       FEAST_DATA_DIR where the registry, the online store and the data file
                      go; relative paths are taken from the repository copy
                      [data]
Prints one JSON object: the project and namespace, the paths of the repository
copy, registry, online store and data file, and the Feast objects applied.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent / "feast" / "repo"
DATA_FILE = "customer_transactions.parquet"

# What Feast 0.67 logs when it could not deliver an event
# (feast/openlineage/client.py, feast/feature_store.py); it carries on.
EMIT_FAILURES = re.compile(r"Failed to emit OpenLineage|Failed to initialize OpenLineage client")


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--url", default=os.environ.get("HUB_URL"), help="hub base URL [env HUB_URL]")
    p.add_argument(
        "--project",
        default=os.environ.get("FEAST_PROJECT") or "fraud_features",
        help="Feast project [env FEAST_PROJECT, fraud_features]",
    )
    p.add_argument("--work-dir", default=None, help="where the repository copy goes [a new temporary directory]")
    p.add_argument("--skip-materialize", action="store_true", help="only apply")
    p.add_argument("--gzip", action="store_true", help="have Feast's client gzip the events")
    p.add_argument("--allow-emit-errors", action="store_true", help="do not fail when Feast could not deliver an event")
    a = p.parse_args()
    if not a.url:
        p.error("no hub URL: pass --url or set HUB_URL")
    if not re.fullmatch(r"[A-Za-z0-9_]+", a.project):
        p.error(f"project {a.project!r}: Feast allows letters, digits and underscores only")
    return a


def write_data(path: Path) -> int:
    """Daily spend of five customers over the last three days."""
    import pandas as pd

    today = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    rows = []
    for day in range(3):
        for i, customer_id in enumerate(range(1001, 1006)):
            rows.append(
                {
                    "customer_id": customer_id,
                    "event_timestamp": today - timedelta(days=day) + timedelta(hours=i),
                    "total_amount": round(12.5 * (i + 1) + 3.25 * day, 2),
                    "txn_count": (i + 1) * 2 + day,
                }
            )
    df = pd.DataFrame(rows).astype({"customer_id": "int64", "total_amount": "float64", "txn_count": "int64"})
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_parquet(path, engine="pyarrow", index=False)
    return len(df)


def feast(repo: Path, env: dict, allow_emit_errors: bool, *args: str) -> None:
    """Run the venv's feast command line on repo; its output goes to stderr."""
    cmd = [str(Path(sys.executable).parent / "feast"), "--chdir", str(repo), *args]
    print(f"run_feast.py: {' '.join(args)}", file=sys.stderr, flush=True)
    res = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    sys.stderr.write(res.stdout)
    if res.returncode != 0:
        print(f"run_feast.py: feast {args[0]} exited {res.returncode}", file=sys.stderr)
        sys.exit(1)
    failures = [line for line in res.stdout.splitlines() if EMIT_FAILURES.search(line)]
    if failures and not allow_emit_errors:
        print(
            f"run_feast.py: feast {args[0]} could not deliver its OpenLineage events:\n  " + "\n  ".join(failures),
            file=sys.stderr,
        )
        sys.exit(1)


def main() -> None:
    args = parse_args()
    work = Path(args.work_dir) if args.work_dir else Path(tempfile.mkdtemp(prefix="feast-"))
    repo = work / "repo"
    if repo.exists():
        sys.exit(f"run_feast.py: {repo} exists; pass an empty --work-dir")
    shutil.copytree(REPO, repo, ignore=shutil.ignore_patterns("__pycache__", "data", "*.db"))

    data_dir_setting = os.environ.get("FEAST_DATA_DIR") or "data"
    data_dir = Path(data_dir_setting) if os.path.isabs(data_dir_setting) else repo / data_dir_setting
    rows = write_data(data_dir / DATA_FILE)

    env = dict(os.environ)
    env.update(
        {
            "HUB_URL": args.url,
            "HUB_TOKEN": os.environ.get("HUB_TOKEN", ""),
            "FEAST_PROJECT": args.project,
            "FEAST_DATA_DIR": data_dir_setting,
            "FEAST_USAGE": "False",  # a no-op since Feast 0.38, kept for older ones
        }
    )
    if args.gzip:
        # Feast ignores compression in feature_store.yaml; its OpenLineage
        # client deep-merges OPENLINEAGE__* variables into the transport.
        env["OPENLINEAGE__TRANSPORT__COMPRESSION"] = "gzip"

    feast(repo, env, args.allow_emit_errors, "apply")
    if not args.skip_materialize:
        end = datetime.now(timezone.utc).replace(microsecond=0, tzinfo=None).isoformat()
        feast(repo, env, args.allow_emit_errors, "materialize-incremental", end)

    print(
        json.dumps(
            {
                "project": args.project,
                # feature_store.yaml says namespace: feast, which Feast
                # (feast.openlineage.identity.resolve_namespace) turns into
                # the project name.
                "namespace": args.project,
                "repo": str(repo),
                "registry": str(data_dir / "registry.db"),
                "onlineStore": str(data_dir / "online_store.db"),
                "dataFile": str(data_dir / DATA_FILE),
                "rows": rows,
                "entities": ["customer"],
                "dataSources": ["customer_transactions_source"],
                "featureViews": ["customer_transaction_stats"],
                "featureServices": ["fraud_model_v1"],
                "materialized": not args.skip_materialize,
            }
        )
    )


if __name__ == "__main__":
    main()
