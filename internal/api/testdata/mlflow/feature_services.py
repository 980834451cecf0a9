"""A training run names the Feast feature service it was trained on, with
the unmodified mlflow client: the exphub.feature_services tag, at run
creation and by set_tag. A tag naming no feature service is refused.

MLFLOW_TRACKING_URI and MLFLOW_TRACKING_TOKEN come from the environment;
SERVICE is the feature service ("<feast project>/<name>"). Prints JSON:
the two run ids and the error code of the refused tag.
"""
import json
import os

import mlflow
from mlflow.exceptions import MlflowException


def main():
    service = os.environ["SERVICE"]
    mlflow.set_experiment("driver-ranking")
    with mlflow.start_run(run_name="at-start", tags={"exphub.feature_services": service}) as at_start:
        mlflow.log_metric("ndcg", 0.61)
    with mlflow.start_run(run_name="by-set-tag") as by_tag:
        mlflow.set_tag("exphub.feature_services", service)
        refused = None
        try:
            mlflow.set_tag("exphub.feature_services", "no_such_service")
        except MlflowException as e:
            refused = e.error_code
    print(json.dumps({"at_start": at_start.info.run_id, "by_tag": by_tag.info.run_id, "refused": refused}))


if __name__ == "__main__":
    main()
