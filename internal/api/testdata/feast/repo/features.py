"""Feature definitions of the fraud team: one entity, one file source, one
feature view over it and one feature service, applied by `feast apply`."""

import os
from datetime import timedelta

from feast import Entity, FeatureService, FeatureView, Field, FileSource, ValueType
from feast.types import Float64, Int64

# Relative paths are taken from the repository; run_feast.py writes the file.
DATA_DIR = os.environ.get("FEAST_DATA_DIR", "data")

customer = Entity(
    name="customer",
    join_keys=["customer_id"],
    value_type=ValueType.INT64,
    description="A card holder",
    owner="fraud-ml@example.com",
)

customer_transactions_source = FileSource(
    name="customer_transactions_source",
    path=os.path.join(DATA_DIR, "customer_transactions.parquet"),
    timestamp_field="event_timestamp",
    description="Daily card transaction aggregates per customer",
)

customer_transaction_stats = FeatureView(
    name="customer_transaction_stats",
    entities=[customer],
    ttl=timedelta(days=30),
    schema=[
        Field(name="customer_id", dtype=Int64),
        Field(name="total_amount", dtype=Float64, description="sum of the day's amounts, EUR"),
        Field(name="txn_count", dtype=Int64, description="number of the day's transactions"),
    ],
    online=True,
    source=customer_transactions_source,
    tags={"team": "fraud"},
    owner="fraud-ml@example.com",
    description="Daily spend of each customer",
)

fraud_model_v1 = FeatureService(
    name="fraud_model_v1",
    features=[customer_transaction_stats],
    description="Features the fraud model v1 is served with",
    owner="fraud-ml@example.com",
)
