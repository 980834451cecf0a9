"""A realistic training script, logged with the unmodified mlflow client.

The hub is the tracking server: MLFLOW_TRACKING_URI and MLFLOW_TRACKING_TOKEN
come from the environment (internal/api/mlflow_client_test.go sets them), as
they would for a user. EXPERIMENT names the experiment. The script prints
what it logged as JSON for the test to check through GraphQL.
"""
import json
import os
import sys

import mlflow
import pandas as pd
from mlflow import MlflowClient


def main():
    experiment = os.environ["EXPERIMENT"]
    exp = mlflow.set_experiment(experiment)
    mlflow.set_experiment_tag("owner", "risk-team")

    with mlflow.start_run(run_name="train-parent", tags={"team": "risk"}, description="parent run") as parent:
        mlflow.log_param("lr", "0.1")
        mlflow.log_params({"depth": 6, "n_estimators": 100})
        for step in range(5):
            mlflow.log_metric("loss", 1.0 / (step + 1), step=step)
        mlflow.log_metrics({"auc": 0.91, "f1": 0.8})
        mlflow.set_tag("stage", "dev")
        df = pd.DataFrame({"x": [1.0, 2.0, 3.0], "z": [0.5, 0.25, 0.125], "y": [0, 1, 0]})
        ds = mlflow.data.from_pandas(df, source="s3://bucket/data/train.csv", name="train-set", targets="y")
        mlflow.log_input(ds, context="training", tags={"split": "train"})
        with mlflow.start_run(run_name="child", nested=True) as child:
            mlflow.log_param("fold", "1")
            mlflow.log_metric("acc", 0.7)

    failed_id = None
    try:
        with mlflow.start_run(run_name="will-fail") as failed:
            failed_id = failed.info.run_id
            mlflow.log_param("x", "1")
            raise RuntimeError("training diverged")
    except RuntimeError:
        pass

    client = MlflowClient()
    history = client.get_metric_history(parent.info.run_id, "loss")
    found = client.search_runs([exp.experiment_id], "metrics.auc > 0.9 and params.lr = '0.1'")
    got = client.get_run(parent.info.run_id)
    missing = mlflow.get_experiment_by_name("no-such-experiment")

    json.dump({
        "experiment_id": exp.experiment_id,
        "parent": parent.info.run_id,
        "child": child.info.run_id,
        "failed": failed_id,
        "history": [[m.step, m.value] for m in history],
        "search": [r.info.run_id for r in found],
        "parent_status": got.info.status,
        "parent_params": dict(got.data.params),
        "parent_metrics": dict(got.data.metrics),
        "inputs": [d.dataset.digest for d in got.inputs.dataset_inputs],
        "missing_experiment": missing is None,
        "experiment_tags": dict(mlflow.get_experiment(exp.experiment_id).tags),
    }, sys.stdout)


if __name__ == "__main__":
    main()
