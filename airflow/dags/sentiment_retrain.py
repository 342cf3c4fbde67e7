"""Retrain the sentiment model on GPU executors, then rescore with the new champion.

Triggered by hand (Trigger DAG w/ config: {"domain": "news"}), or on the cron in the Airflow
Variable sentiment_retrain_schedule when it is set. That Variable is the one value read when the
file is parsed, because a schedule cannot be a template; everything else is rendered at run time.
"""

import logging
from datetime import timedelta

import pendulum
from airflow import DAG
from airflow.models import Variable
from airflow.models.param import Param
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

import sentiment_tasks as tasks

log = logging.getLogger(__name__)


def notify_failure(context):
    log.error(tasks.failure_message(context))


default_args = {
    "owner": "ml-engineering",
    "retries": 1,
    "retry_delay": timedelta(minutes=10),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(hours=2),
    "on_failure_callback": notify_failure,
}

with DAG(
    dag_id="sentiment_retrain",
    description="Fine-tune on GPU executors, promote if better, rescore",
    schedule=Variable.get(tasks.VAR_RETRAIN_SCHEDULE, default_var=None) or None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=default_args,
    params={"domain": Param("review", enum=["review", "news"])},
    tags=["sentiment", "gpu"],
) as dag:
    previous = None
    for task in tasks.retrain_tasks(domain="{{ params.domain }}"):
        operator = SparkSubmitOperator(
            task_id=task.task_id,
            conn_id=tasks.SPARK_CONN_ID,
            application=tasks.template_var(tasks.VAR_JAR),
            jars=tasks.template_var(tasks.VAR_JARS),
            java_class=tasks.MAIN_CLASS,
            application_args=task.args,
            conf=task.spark_conf,
            name="sentiment-" + task.task_id + "-{{ ds }}",
            execution_timeout=timedelta(hours=8) if task.task_id == "train" else timedelta(hours=2),
        )
        if previous is not None:
            previous >> operator
        previous = operator
