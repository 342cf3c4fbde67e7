"""Nightly sentiment batch for the logical date: the steps `pipeline run` executes, one task each.

ingest -> clean -> tokenize -> score -> alerts (the last alerts.recompute-days days) -> optimize.
Thin on purpose: the tasks and their arguments come from sentiment_tasks, which a test compares
with `pipeline steps --run-date D` and runs against the pipeline's CLI. Nothing here reads
Variables or the clock at import time.
"""

from datetime import timedelta

import pendulum

import sentiment_airflow as af
import sentiment_tasks as tasks

default_args = {
    "owner": "data-engineering",
    "retries": 3,  # exit 70 or 75; 64 and 65 fail at once (sentiment_airflow)
    "retry_delay": timedelta(minutes=5),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(hours=1),
    "on_failure_callback": af.notify_failure,
}

with af.DAG(
    dag_id="sentiment_nightly",
    description="Reviews and news to sentiment scores and alerts, one run date per night",
    schedule="0 2 * * *",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,  # ingest picks up new files, not dates: backfill a day on purpose with `airflow dags backfill`
    max_active_runs=1,
    default_args=default_args,
    tags=["sentiment"],
) as dag:
    af.chain(tasks.nightly_tasks())
