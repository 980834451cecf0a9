"""A realistic training script, logged with the unmodified mlflow client.

The hub is the tracking server: MLFLOW_TRACKING_URI and MLFLOW_TRACKING_TOKEN
come from the environment (internal/api/mlflow_client_test.go sets them), as
they would for a user. EXPERIMENT names the experiment. The script prints
what it logged as JSON for the test to check through GraphQL.
"""
import hashlib
import json
import os
import sys
import tempfile

import mlflow
import mlflow.sklearn
import numpy as np
import pandas as pd
from mlflow import MlflowClient
from PIL import Image
from sklearn.linear_model import LogisticRegression


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

        # Artifacts, uploaded through the hub's mlflow-artifacts proxy.
        uploaded = {}
        mlflow.log_text("training diverged twice, then converged\n", "notes/summary.txt")
        mlflow.log_dict({"features": ["x", "z"], "target": "y"}, "config/features.json")
        pixels = np.zeros((8, 8, 3), dtype=np.uint8)
        pixels[2:6, 2:6] = [255, 0, 0]
        mlflow.log_image(Image.fromarray(pixels), "plots/square.png")
        with tempfile.TemporaryDirectory() as tmp:
            report = os.path.join(tmp, "report.csv")
            with open(report, "w") as f:
                f.write("fold,auc\n1,0.91\n")
            mlflow.log_artifact(report, artifact_path="reports")
            with open(report, "rb") as f:
                uploaded["reports/report.csv"] = hashlib.sha256(f.read()).hexdigest()

    # A small model, as MLflow 3 logs one: a logged model with its files,
    # output by a run. log_model re-sends the run's step-0 points with the
    # model's id; as on an MLflow server, they are kept once.
    with mlflow.start_run(run_name="package-model") as packaging:
        for step in range(3):
            mlflow.log_metric("val_auc", 0.8 + step * 0.05, step=step)
        model = LogisticRegression().fit(df[["x", "z"]], df["y"])
        info = mlflow.sklearn.log_model(model, name="fraud-model", serialization_format="skops")
    packaging_history = [[m.step, round(m.value, 6)] for m in MlflowClient().get_metric_history(packaging.info.run_id, "val_auc")]
    packaging_outputs = [o.model_id for o in MlflowClient().get_run(packaging.info.run_id).outputs.model_outputs]

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

    listed = sorted(f.path for f in client.list_artifacts(parent.info.run_id))
    listed_notes = [(f.path, f.is_dir, f.file_size) for f in client.list_artifacts(parent.info.run_id, "notes")]
    with tempfile.TemporaryDirectory() as tmp:
        got_dir = mlflow.artifacts.download_artifacts(run_id=parent.info.run_id, dst_path=tmp)
        downloaded = {}
        for root, _, files in os.walk(got_dir):
            for name in files:
                full = os.path.join(root, name)
                with open(full, "rb") as f:
                    downloaded[os.path.relpath(full, got_dir)] = hashlib.sha256(f.read()).hexdigest()
    logged = client.get_logged_model(info.model_id)
    with tempfile.TemporaryDirectory() as tmp:
        model_dir = mlflow.artifacts.download_artifacts(artifact_uri=logged.artifact_location, dst_path=tmp)
        model_files = {}
        for root, _, files in os.walk(model_dir):
            for name in files:
                full = os.path.join(root, name)
                with open(full, "rb") as f:
                    model_files[os.path.relpath(full, model_dir)] = hashlib.sha256(f.read()).hexdigest()
        loaded = mlflow.sklearn.load_model(model_dir)
        prediction = [int(v) for v in loaded.predict(df[["x", "z"]])]

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
        "artifact_uri": got.info.artifact_uri,
        "uploaded": uploaded,
        "listed": listed,
        "listed_notes": listed_notes,
        "downloaded": downloaded,
        "model_id": info.model_id,
        "model_status": str(logged.status),
        "model_name": logged.name,
        "model_artifact_location": logged.artifact_location,
        "model_source_run": logged.source_run_id,
        "packaging_run": packaging.info.run_id,
        "packaging_history": packaging_history,
        "packaging_outputs": packaging_outputs,
        "model_files": model_files,
        "prediction": prediction,
    }, sys.stdout)


if __name__ == "__main__":
    main()
