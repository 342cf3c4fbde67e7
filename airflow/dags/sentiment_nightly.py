"""Nightly sentiment batch: ingest -> clean -> tokenize -> score -> alerts for the logical date.

Thin on purpose: the tasks and their arguments come from sentiment_tasks, which a test runs
against the pipeline's CLI. Nothing here reads Variables or the clock at import time.
"""

import logging
from datetime import timedelta

import pendulum
from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

import sentiment_tasks as tasks

log = logging.getLogger(__name__)


def notify_failure(context):
    # Plug chat or paging in here; the message names the task, date and log URL.
    log.error(tasks.failure_message(context))


default_args = {
    "owner": "data-engineering",
    "retries": 3,
    "retry_delay": timedelta(minutes=5),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(hours=1),
    "on_failure_callback": notify_failure,
}

with DAG(
    dag_id="sentiment_nightly",
    description="Reviews and news to sentiment scores and alerts, one run date per night",
    schedule="0 2 * * *",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,  # ingest picks up new files, not dates: backfill a day on purpose with `airflow dags backfill`
    max_active_runs=1,
    default_args=default_args,
    tags=["sentiment"],
) as dag:
    previous = None
    for task in tasks.nightly_tasks():
        operator = SparkSubmitOperator(
            task_id=task.task_id,
            conn_id=tasks.SPARK_CONN_ID,
            application=tasks.template_var(tasks.VAR_JAR),
            jars=tasks.template_var(tasks.VAR_JARS),
            java_class=tasks.MAIN_CLASS,
            application_args=task.args,
            conf=task.spark_conf,
            name="sentiment-" + task.task_id + "-{{ ds }}",
        )
        if previous is not None:
            previous >> operator
        previous = operator
