"""Deleting and restoring runs and experiments with the unmodified mlflow client.

MLFLOW_TRACKING_URI and MLFLOW_TRACKING_TOKEN come from the environment
(internal/api/mlflow_client_test.go sets them); EXPERIMENT names the
experiment. The script prints what the client saw as JSON. It runs the same
against a real MLflow server, which is how the answers were checked.
"""
import json
import os

import mlflow
from mlflow import MlflowClient
from mlflow.entities import ViewType
from mlflow.exceptions import MlflowException


def refused(call):
    """The error code of a call the server refuses, or "accepted"."""
    try:
        call()
    except MlflowException as e:
        return e.error_code
    return "accepted"


def run_ids(runs):
    return sorted(r.info.run_id for r in runs)


def main():
    name = os.environ["EXPERIMENT"]
    c = MlflowClient()
    exp_id = c.create_experiment(name)
    keep = c.create_run(exp_id, run_name="keep").info.run_id
    drop = c.create_run(exp_id, run_name="drop").info.run_id
    c.log_metric(drop, "loss", 0.5)
    out = {"experiment_id": exp_id, "keep": keep, "drop": drop}

    c.delete_run(drop)
    c.delete_run(drop)  # a repeated delete succeeds
    out["run_deleted"] = c.get_run(drop).info.lifecycle_stage
    out["history_of_deleted"] = [m.value for m in c.get_metric_history(drop, "loss")]
    out["active_only"] = run_ids(c.search_runs([exp_id]))
    out["deleted_only"] = run_ids(c.search_runs([exp_id], run_view_type=ViewType.DELETED_ONLY))
    out["all"] = run_ids(c.search_runs([exp_id], run_view_type=ViewType.ALL))
    out["deleted_filtered"] = run_ids(c.search_runs([exp_id], "attributes.status = 'RUNNING'", run_view_type=ViewType.DELETED_ONLY))
    frame = mlflow.search_runs([exp_id], run_view_type=ViewType.DELETED_ONLY)
    out["deleted_frame"] = sorted(frame["run_id"].tolist())
    out["log_to_deleted"] = refused(lambda: c.log_param(drop, "late", "1"))
    out["end_deleted"] = refused(lambda: c.set_terminated(drop))

    c.restore_run(drop)
    c.restore_run(drop)  # a repeated restore succeeds
    out["run_restored"] = c.get_run(drop).info.lifecycle_stage
    c.log_param(drop, "back", "1")

    c.delete_experiment(exp_id)
    out["experiment_deleted"] = c.get_experiment(exp_id).lifecycle_stage
    out["by_name_deleted"] = c.get_experiment_by_name(name).lifecycle_stage
    out["runs_deleted_with_it"] = run_ids(c.search_runs([exp_id], run_view_type=ViewType.DELETED_ONLY))
    out["deleted_experiments"] = [e.experiment_id for e in c.search_experiments(view_type=ViewType.DELETED_ONLY, filter_string=f"name = '{name}'")]
    out["active_experiments"] = [e.experiment_id for e in c.search_experiments(filter_string=f"name = '{name}'")]
    out["run_in_deleted"] = refused(lambda: c.create_run(exp_id))
    out["name_of_deleted"] = refused(lambda: c.create_experiment(name))
    try:
        mlflow.set_experiment(name)
        out["set_deleted"] = "accepted"
    except MlflowException as e:
        out["set_deleted"] = str(e)

    c.restore_experiment(exp_id)
    out["experiment_restored"] = c.get_experiment(exp_id).lifecycle_stage
    out["active_after_restore"] = run_ids(c.search_runs([exp_id]))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
