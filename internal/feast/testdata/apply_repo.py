"""Make a real Feast registry: `feast apply` of the fraud team's repository, offline.

Copies the repository internal/api/testdata/feast/repo (features.py: entity
customer, file source customer_transactions_source, feature view
customer_transaction_stats, feature service fraud_model_v1) into a work
directory, writes its parquet data file, and replaces its feature_store.yaml
by one with the same stores and no environment variables: the project named
by --project, the file registry data/registry.db, and OpenLineage disabled,
so `feast apply` sends nothing anywhere. Then it runs the venv's `feast`
command line on it, as a Feast user would.

With --also-project NAME it then applies the same definitions a second time
as project NAME into the same registry file, so the registry holds two
projects (a reader must keep only the one its feature_store.yaml names).

Usage: apply_repo.py --work-dir DIR [--project NAME] [--also-project NAME]
Prints one JSON object: the project, the paths of the repository copy, its
feature_store.yaml, the registry and the data file, and (for checks) the
data file's path as features.py gives it to Feast.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[2] / "api" / "testdata" / "feast" / "repo"

YAML = """\
project: {project}
registry: {registry}
provider: local
online_store:
  type: sqlite
  path: data/online_store_{project}.db
offline_store:
  type: file
entity_key_serialization_version: 3
openlineage:
  enabled: false
"""


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--work-dir", required=True, help="an empty directory for the repository copy")
    p.add_argument("--project", default="fraud_features")
    p.add_argument("--also-project", default=None)
    a = p.parse_args()
    for name in (a.project, a.also_project):
        if name is not None and not re.fullmatch(r"[A-Za-z0-9_]+", name):
            p.error(f"project {name!r}: Feast allows letters, digits and underscores only")
    return a


def write_data(path: Path) -> None:
    """Daily spend of five customers over the last three days."""
    import pandas as pd

    today = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    rows = [
        {
            "customer_id": customer_id,
            "event_timestamp": today - timedelta(days=day) + timedelta(hours=i),
            "total_amount": round(12.5 * (i + 1) + 3.25 * day, 2),
            "txn_count": (i + 1) * 2 + day,
        }
        for day in range(3)
        for i, customer_id in enumerate(range(1001, 1006))
    ]
    df = pd.DataFrame(rows).astype({"customer_id": "int64", "total_amount": "float64", "txn_count": "int64"})
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_parquet(path, engine="pyarrow", index=False)


def apply(repo: Path, project: str, registry: str) -> None:
    (repo / "feature_store.yaml").write_text(YAML.format(project=project, registry=registry))
    cmd = [str(Path(sys.executable).parent / "feast"), "--chdir", str(repo), "apply"]
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    sys.stderr.write(res.stdout)
    if res.returncode != 0:
        sys.exit(f"apply_repo.py: feast apply ({project}) exited {res.returncode}")


def main() -> None:
    args = parse_args()
    repo = Path(args.work_dir) / "repo"
    if repo.exists():
        sys.exit(f"apply_repo.py: {repo} exists; pass an empty --work-dir")
    shutil.copytree(REPO, repo, ignore=shutil.ignore_patterns("__pycache__", "data", "*.db", "feature_store.yaml"))
    data = repo / "data" / "customer_transactions.parquet"
    write_data(data)
    if args.also_project:
        # The other project first, so the yaml left behind is --project's.
        apply(repo, args.also_project, "data/registry.db")
    apply(repo, args.project, "data/registry.db")
    print(
        json.dumps(
            {
                "project": args.project,
                "repo": str(repo),
                "yaml": str(repo / "feature_store.yaml"),
                "registry": str(repo / "data" / "registry.db"),
                "dataFile": str(data),
                # features.py joins FEAST_DATA_DIR (unset: "data") and the
                # file name; Feast keeps the path as given.
                "sourcePath": "data/customer_transactions.parquet",
            }
        )
    )


if __name__ == "__main__":
    main()
