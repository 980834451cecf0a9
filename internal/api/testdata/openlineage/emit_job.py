"""Emit an Airflow-like job run to the hub with the real OpenLineage client.

The task fraud_etl.build_features of the DAG fraud_etl reads
s3://fraud-lake raw/transactions and writes s3://fraud-lake
features/transactions: one run, START then COMPLETE, and with --fail a
second run of the same task (another try under the same DAG run), START
then FAIL with an errorMessage facet. The events are built with the
client's spec 2-0-2 classes (event_v2, facet_v2) and sent by its HTTP
transport, gzip-compressed, with HUB_TOKEN as the Bearer api key: exactly
what an OpenLineage producer sends, nothing hand-written on the wire.

What each event carries (the COMPLETE adds what a task knows only at its
end, as Airflow's provider does; a consumer merges the events of a run):
  START     run: parent, nominalTime, processing_engine (+ tags, added by
            the client); job: sourceCodeLocation, documentation, jobType;
            input: schema, dataSource; output: schema, dataSource,
            columnLineage
  COMPLETE  the same, plus input inputFacets dataQualityAssertions and
            dataQualityMetrics, and output outputFacets outputStatistics
  FAIL      (--fail, second run) the START's facets plus run errorMessage

Usage: emit_job.py [--url URL] [--fail] [--run-id ID] [--parent-run-id ID]
                   [--failed-run-id ID] [--namespace NS] [--dataset-namespace NS]
Env:   HUB_URL         the hub's base URL when --url is not given (the
                       client posts to <url>/api/v1/lineage)
       HUB_TOKEN       api key sent as "Authorization: Bearer <key>"; unset
                       or empty sends no Authorization header
       FAIL_ASSERTION  "1": the assertion on column amount fails (and the
                       metrics show a negative amount)
Prints one JSON object: the namespace, job and parent job, the run ids used
and the events sent in order. Exits non-zero, with the hub's answer, when
the hub rejects an event (the client retries 5xx answers first).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime, timedelta, timezone

import requests
from openlineage.client import OpenLineageClient
from openlineage.client.event_v2 import InputDataset, Job, OutputDataset, Run, RunEvent, RunState
from openlineage.client.facet_v2 import (
    column_lineage_dataset,
    data_quality_assertions_dataset,
    data_quality_metrics_input_dataset,
    datasource_dataset,
    documentation_job,
    error_message_run,
    job_type_job,
    nominal_time_run,
    output_statistics_output_dataset,
    parent_run,
    processing_engine_run,
    schema_dataset,
    source_code_location_job,
)
from openlineage.client.transport.http import (
    ApiKeyTokenProvider,
    HttpCompression,
    HttpConfig,
    HttpTransport,
    TokenProvider,
)
from openlineage.client.uuid import generate_new_uuid

PRODUCER = "https://github.com/apache/airflow/tree/providers-openlineage/2.2.0"
DAG = "fraud_etl"
TASK = "fraud_etl.build_features"
INPUT = "raw/transactions"
OUTPUT = "features/transactions"
GIT_SHA = "4f1c2b7e9a0d3c5b8e6f1a2d4c7b9e0f3a5d6c8b"
REPO = "https://github.com/acme/fraud-pipelines"


def now() -> str:
    return datetime.now(timezone.utc).isoformat()


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--url", default=os.environ.get("HUB_URL"), help="hub base URL [env HUB_URL]")
    p.add_argument("--fail", action="store_true", help="also send a second run of the task that FAILs")
    p.add_argument("--run-id", default=None, help="runId of the completing run [a new UUIDv7]")
    p.add_argument("--parent-run-id", default=None, help="runId of the DAG run [a new UUIDv7]")
    p.add_argument("--failed-run-id", default=None, help="runId of the failing run (--fail) [a new UUIDv7]")
    p.add_argument("--namespace", default="airflow-prod", help="job namespace [airflow-prod]")
    p.add_argument("--dataset-namespace", default="s3://fraud-lake", help="dataset namespace [s3://fraud-lake]")
    a = p.parse_args()
    if not a.url:
        p.error("no hub URL: pass --url or set HUB_URL")
    return a


def client_for(url: str) -> OpenLineageClient:
    token = os.environ.get("HUB_TOKEN", "")
    config = HttpConfig(
        url=url,
        endpoint="api/v1/lineage",
        timeout=10.0,
        auth=ApiKeyTokenProvider({"api_key": token}) if token else TokenProvider({}),
        compression=HttpCompression.GZIP,
    )
    return OpenLineageClient(transport=HttpTransport(config))


def field(name: str, type_: str, description: str | None = None) -> schema_dataset.SchemaDatasetFacetFields:
    return schema_dataset.SchemaDatasetFacetFields(name=name, type=type_, description=description)


def build(args: argparse.Namespace, parent_id: str) -> dict:
    """Everything but the run: job, run facets, datasets (START and COMPLETE flavours)."""
    ns, dns = args.namespace, args.dataset_namespace
    fail_assertion = os.environ.get("FAIL_ASSERTION") == "1"

    job = Job(
        namespace=ns,
        name=TASK,
        facets={
            "sourceCodeLocation": source_code_location_job.SourceCodeLocationJobFacet(
                type="git",
                url=f"{REPO}/blob/{GIT_SHA}/dags/fraud_etl.py",
                repoUrl=f"{REPO}.git",
                path="dags/fraud_etl.py",
                version=GIT_SHA,
                branch="main",
            ),
            "documentation": documentation_job.DocumentationJobFacet(
                description="Builds per-transaction fraud features: converts amounts to USD and keeps the country.",
                contentType="text/markdown",
            ),
            "jobType": job_type_job.JobTypeJobFacet(processingType="BATCH", integration="AIRFLOW", jobType="TASK"),
        },
    )

    today = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    run_facets = {
        "parent": parent_run.ParentRunFacet(
            run=parent_run.Run(runId=parent_id),
            job=parent_run.Job(namespace=ns, name=DAG),
            root=parent_run.Root(
                run=parent_run.RootRun(runId=parent_id),
                job=parent_run.RootJob(namespace=ns, name=DAG),
            ),
        ),
        "nominalTime": nominal_time_run.NominalTimeRunFacet(
            nominalStartTime=today.isoformat(),
            nominalEndTime=(today + timedelta(days=1)).isoformat(),
        ),
        "processing_engine": processing_engine_run.ProcessingEngineRunFacet(
            version="2.10.5", name="Airflow", openlineageAdapterVersion="2.2.0"
        ),
    }

    source = datasource_dataset.DatasourceDatasetFacet(name=dns, uri=dns)
    in_facets = {
        "schema": schema_dataset.SchemaDatasetFacet(
            fields=[
                field("id", "long", "transaction id"),
                field("amount", "double", "amount in the transaction's currency"),
                field("country", "string", "ISO 3166-1 alpha-2"),
                field("ts", "timestamp", "when the transaction happened"),
            ]
        ),
        "dataSource": source,
    }
    out_facets = {
        "schema": schema_dataset.SchemaDatasetFacet(
            fields=[
                field("id", "long"),
                field("amount_usd", "double", "amount converted to USD"),
                field("country", "string"),
                field("ts", "timestamp"),
            ]
        ),
        "dataSource": source,
        "columnLineage": column_lineage_dataset.ColumnLineageDatasetFacet(
            fields={
                "amount_usd": column_lineage_dataset.Fields(
                    inputFields=[
                        column_lineage_dataset.InputField(
                            namespace=dns,
                            name=INPUT,
                            field="amount",
                            transformations=[
                                column_lineage_dataset.Transformation(
                                    type="DIRECT", subtype="TRANSFORMATION", description="amount * fx_rate_usd"
                                )
                            ],
                        )
                    ]
                ),
                "country": column_lineage_dataset.Fields(
                    inputFields=[
                        column_lineage_dataset.InputField(
                            namespace=dns,
                            name=INPUT,
                            field="country",
                            transformations=[column_lineage_dataset.Transformation(type="DIRECT", subtype="IDENTITY")],
                        )
                    ]
                ),
            }
        ),
    }

    assertions = data_quality_assertions_dataset.DataQualityAssertionsDatasetFacet(
        assertions=[
            data_quality_assertions_dataset.Assertion(
                assertion="not_null", success=True, column="id", severity="error", name="id_not_null"
            ),
            data_quality_assertions_dataset.Assertion(
                assertion="value_between",
                success=not fail_assertion,
                column="amount",
                severity="error",
                name="amount_non_negative",
                description="amounts are never negative",
                expected=">= 0",
                actual="-12.5" if fail_assertion else "0.5",
            ),
        ]
    )
    metrics = data_quality_metrics_input_dataset.DataQualityMetricsInputDatasetFacet(
        rowCount=10000,
        bytes=524288,
        columnMetrics={
            "id": data_quality_metrics_input_dataset.ColumnMetrics(nullCount=0, distinctCount=10000),
            "amount": data_quality_metrics_input_dataset.ColumnMetrics(
                nullCount=0,
                sum=874321.5,
                count=10000,
                min=-12.5 if fail_assertion else 0.5,
                max=4999.0,
                quantiles={"0.25": 21.0, "0.5": 57.5, "0.75": 119.9},
            ),
            "country": data_quality_metrics_input_dataset.ColumnMetrics(nullCount=3, distinctCount=41),
        },
    )

    def datasets(final: bool) -> tuple[list[InputDataset], list[OutputDataset]]:
        inp = InputDataset(
            namespace=dns,
            name=INPUT,
            facets=in_facets,
            inputFacets={"dataQualityAssertions": assertions, "dataQualityMetrics": metrics} if final else {},
        )
        out = OutputDataset(
            namespace=dns,
            name=OUTPUT,
            facets=out_facets,
            outputFacets={
                "outputStatistics": output_statistics_output_dataset.OutputStatisticsOutputDatasetFacet(
                    rowCount=9997, size=412160
                )
            }
            if final
            else {},
        )
        return [inp], [out]

    return {"job": job, "run_facets": run_facets, "datasets": datasets}


def emit(client: OpenLineageClient, sent: list, event: RunEvent) -> None:
    try:
        client.emit(event)
    except requests.RequestException as e:
        answer = ""
        if getattr(e, "response", None) is not None:
            answer = f" (HTTP {e.response.status_code}: {e.response.text[:2000]!r})"
        print(f"emit_job.py: {event.eventType.value} of run {event.run.runId} rejected: {e}{answer}", file=sys.stderr)
        sys.exit(1)
    sent.append({"eventType": event.eventType.value, "runId": event.run.runId})


def main() -> None:
    args = parse_args()
    parent_id = args.parent_run_id or str(generate_new_uuid())
    run_id = args.run_id or str(generate_new_uuid())
    failed_id = (args.failed_run_id or str(generate_new_uuid())) if args.fail else None
    b = build(args, parent_id)
    client = client_for(args.url)
    sent: list = []

    def event(state: RunState, rid: str, final: bool, extra_run_facets: dict | None = None) -> RunEvent:
        inputs, outputs = b["datasets"](final)
        return RunEvent(
            eventType=state,
            eventTime=now(),
            run=Run(runId=rid, facets={**b["run_facets"], **(extra_run_facets or {})}),
            job=b["job"],
            inputs=inputs,
            outputs=outputs,
            producer=PRODUCER,
        )

    emit(client, sent, event(RunState.START, run_id, final=False))
    emit(client, sent, event(RunState.COMPLETE, run_id, final=True))
    if failed_id:
        emit(client, sent, event(RunState.START, failed_id, final=False))
        error = error_message_run.ErrorMessageRunFacet(
            message="botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the PutObject operation",
            programmingLanguage="python",
            stackTrace='Traceback (most recent call last):\n  File "dags/fraud_etl.py", line 88, in build_features\n'
            "    s3.put_object(Bucket=bucket, Key=key, Body=body)\n"
            "botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the PutObject operation",
        )
        emit(client, sent, event(RunState.FAIL, failed_id, final=False, extra_run_facets={"errorMessage": error}))
    client.close()

    print(
        json.dumps(
            {
                "namespace": args.namespace,
                "job": TASK,
                "parentJob": DAG,
                "parentRunId": parent_id,
                "runId": run_id,
                "failedRunId": failed_id,
                "inputs": [{"namespace": args.dataset_namespace, "name": INPUT}],
                "outputs": [{"namespace": args.dataset_namespace, "name": OUTPUT}],
                "events": sent,
            }
        )
    )


if __name__ == "__main__":
    main()
