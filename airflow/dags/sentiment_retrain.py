"""Retrain the sentiment model on GPU executors, then rescore with the new champion.

Triggered by hand (Trigger DAG w/ config: {"domain": "news"}), or on the cron in the environment
variable SENTIMENT_RETRAIN_SCHEDULE of the scheduler and DAG processor when it is set (a schedule
cannot be a template; an environment variable costs nothing to read while parsing, a Variable a
database query). Everything else is rendered at run time.
"""

import os
from datetime import timedelta

import pendulum

import sentiment_airflow as af
import sentiment_tasks as tasks

default_args = {
    "owner": "ml-engineering",
    "retries": 1,  # exit 70 or 75; 64 and 65 fail at once (sentiment_airflow)
    "retry_delay": timedelta(minutes=10),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(hours=2),
    "on_failure_callback": af.notify_failure,
}

with af.DAG(
    dag_id="sentiment_retrain",
    description="Fine-tune on GPU executors, promote if better, rescore",
    schedule=os.environ.get(tasks.ENV_RETRAIN_SCHEDULE, "").strip() or None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=default_args,
    params={"domain": af.Param("review", enum=["review", "news"])},
    tags=["sentiment", "gpu"],
) as dag:
    af.chain(tasks.retrain_tasks(domain="{{ params.domain }}"))
