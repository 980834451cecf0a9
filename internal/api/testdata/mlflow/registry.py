"""The model registry, used with the unmodified mlflow client.

MLFLOW_TRACKING_URI and MLFLOW_TRACKING_TOKEN come from the environment
(internal/api/mlflow_registry_client_test.go sets them). MODE=register logs
a training run, registers two versions of MODEL, sets a free alias and asks
for the governed alias "production"; MODE=resolve (after the promotion
request was approved) reads the aliases back. The script prints what the
client saw as JSON for the test to check through GraphQL.

Versions 1 and 2 are created with MlflowClient().create_model_version(name,
source, run_id); version 3 with mlflow.register_model("runs:/<run_id>/
fraud-model", name) of a model logged with mlflow.sklearn.log_model, which
finds the run's logged model and registers models:/<model_id>.
"""
import json
import os
import sys

import mlflow
import pandas as pd
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException
from sklearn.linear_model import LogisticRegression


def error(fn):
    try:
        fn()
    except MlflowException as e:
        return {"code": e.error_code, "message": e.message}
    return None


def version(v):
    return {"version": v.version, "run_id": v.run_id, "source": v.source, "status": v.status,
            "stage": v.current_stage, "aliases": sorted(v.aliases), "tags": dict(v.tags),
            "description": v.description}


def register(client, name):
    mlflow.set_experiment(os.environ["EXPERIMENT"])
    with mlflow.start_run(run_name="train-fraud") as run:
        mlflow.log_param("depth", "6")
        mlflow.log_metric("auc", 0.93)
    run_id = run.info.run_id

    created = client.create_registered_model(name, tags={"team": "risk"}, description="fraud scorer")
    again = error(lambda: client.create_registered_model(name))
    v1 = client.create_model_version(name, f"runs:/{run_id}/model", run_id=run_id, tags={"framework": "sklearn"})
    v2 = client.create_model_version(name, "s3://models/fraud/2", run_id=run_id, description="retrained")

    with mlflow.start_run(run_name="package-fraud") as packaging:
        df = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "y": [0, 1, 0, 1]})
        model = LogisticRegression().fit(df[["x"]], df["y"])
        mlflow.sklearn.log_model(model, name="fraud-model", serialization_format="skops")
    v3 = mlflow.register_model(f"runs:/{packaging.info.run_id}/fraud-model", name)

    client.set_registered_model_alias(name, "challenger", v2.version)
    challenger = client.get_model_version_by_alias(name, "challenger")
    production = [error(lambda: client.set_registered_model_alias(name, "production", v1.version)) for _ in range(2)]
    # A differently written governed alias is the same alias.
    shouted = error(lambda: client.set_registered_model_alias(name, "Production", v1.version))

    client.set_model_version_tag(name, v1.version, "validated", "yes")
    client.update_model_version(name, v1.version, description="first cut")
    client.update_registered_model(name, description="fraud scorer, gradient boosted")
    client.set_registered_model_tag(name, "owner", "risk-team")

    by_name = client.search_model_versions(f"name='{name}'")
    by_run = client.search_model_versions(f"run_id='{run_id}'")
    models = client.search_registered_models(filter_string=f"name LIKE '{name[:4]}%'")
    got = client.get_registered_model(name)
    missing = error(lambda: client.get_registered_model(name + "-missing"))
    unresolved = error(lambda: client.get_model_version_by_alias(name, "production"))
    download = client.get_model_version_download_uri(name, v2.version)

    return {
        "run_id": run_id,
        "created": {"name": created.name, "tags": dict(created.tags), "description": created.description},
        "again": again,
        "v1": version(v1), "v2": version(v2), "v3": version(v3), "packaging_run_id": packaging.info.run_id,
        "challenger": version(challenger),
        "production": production,
        "shouted": shouted,
        "by_name": [version(v) for v in by_name],
        "by_run": [v.version for v in by_run],
        "models": [m.name for m in models],
        "model": {"name": got.name, "description": got.description, "tags": dict(got.tags),
                  "aliases": dict(got.aliases)},
        "missing": missing,
        "unresolved": unresolved,
        "download": download,
    }


def resolve(client, name):
    production = client.get_model_version_by_alias(name, "production")
    challenger = client.get_model_version_by_alias(name, "challenger")
    got = client.get_registered_model(name)
    return {"production": version(production), "challenger": version(challenger),
            "aliases": dict(got.aliases)}


def main():
    client = MlflowClient()
    name = os.environ["MODEL"]
    out = register(client, name) if os.environ["MODE"] == "register" else resolve(client, name)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
