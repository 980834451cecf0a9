"""Fills a real MLflow tracking server (MLFLOW_TRACKING_URI) with what
hubctl import mlflow copies: two experiments, a parent run with two nested
children, metric series (one with a NaN point), params, tags, a failed run,
a run still running, a logged pandas dataset, a deleted run that must not
be copied, and a registered model with two versions of the sweep's
children, a free alias (champion) and production. Prints the ids as JSON."""
import json
import math

import mlflow
import pandas as pd
from mlflow import MlflowClient

client = MlflowClient()
ids = {}

mlflow.set_experiment("churn")
with mlflow.start_run(run_name="sweep") as parent:
    mlflow.log_params({"model": "gbm", "folds": "5"})
    mlflow.set_tags({"team": "retention", "stage": "sweep"})
    for i, lr in enumerate(["0.1", "0.05"]):
        with mlflow.start_run(run_name=f"lr-{lr}", nested=True) as child:
            mlflow.log_param("lr", lr)
            for step in range(40):
                mlflow.log_metric("loss", 1.0 / (step + 1) + i * 0.01, step=step)
            mlflow.log_metric("auc", 0.8 + i * 0.05)
            df = pd.DataFrame({"tenure": [1, 5, 9], "churned": [0, 1, 0]})
            mlflow.log_input(mlflow.data.from_pandas(df, source="s3://warehouse/churn/train.parquet", name="churn-train"), context="training")
            ids[f"child{i}"] = child.info.run_id
    mlflow.log_metric("best_auc", 0.85)
    ids["parent"] = parent.info.run_id

with mlflow.start_run(run_name="broken") as broken:
    mlflow.log_param("lr", "10")
    mlflow.log_metric("loss", 3.5, step=0)
    mlflow.log_metric("loss", math.nan, step=1)
    mlflow.log_metric("loss", 2.5, step=2)
    ids["failed"] = broken.info.run_id
client.set_terminated(ids["failed"], status="FAILED")

mlflow.set_experiment("fraud")
live = client.create_run(mlflow.get_experiment_by_name("fraud").experiment_id, run_name="still-training")
client.log_param(live.info.run_id, "epochs", "100")
for step in range(3):
    client.log_metric(live.info.run_id, "loss", 0.9 - step * 0.1, step=step)
ids["running"] = live.info.run_id

with mlflow.start_run(run_name="mistake") as gone:
    mlflow.log_param("x", "1")
client.delete_run(gone.info.run_id)
ids["deleted"] = gone.info.run_id

client.create_registered_model("churn-model", description="churn classifier", tags={"owner": "retention"})
for i in range(2):
    run_id = ids[f"child{i}"]
    client.create_model_version("churn-model", f"runs:/{run_id}/model", run_id=run_id, description=f"lr sweep {i}")
client.set_registered_model_alias("churn-model", "champion", "2")
client.set_registered_model_alias("churn-model", "production", "1")

print(json.dumps(ids))
