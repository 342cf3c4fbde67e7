"""What both sentiment DAG files take from Airflow, for Airflow 3 (airflow.sdk) and 2.7+ alike.

The operator is the Spark provider's SparkSubmitOperator with one change: a task whose pipeline
command exits 64 (bad flag or conf) or 65 (bad input data) fails at once, without its retries,
because it would fail the same way on every try; 70 and 75 (another run holds the stage) are
retried with the DAG's backoff. Nothing here reads a Variable or the clock when a DAG is parsed.
"""

import logging

try:  # Airflow 3: the task SDK
    from airflow.sdk import DAG, Param
except ImportError:  # Airflow 2.x
    from airflow import DAG
    from airflow.models.param import Param
try:
    from airflow.sdk.exceptions import AirflowFailException
except ImportError:
    from airflow.exceptions import AirflowFailException
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

import sentiment_tasks as tasks

__all__ = ["DAG", "Param", "AirflowFailException", "PipelineSubmitOperator", "submit", "chain", "notify_failure"]

log = logging.getLogger(__name__)

_MEANING = {tasks.EXIT_USAGE_OR_CONFIG: "usage or configuration error", tasks.EXIT_BAD_INPUT: "bad input data"}


class PipelineSubmitOperator(SparkSubmitOperator):
    """spark-submit of one pipeline command; exits 64 and 65 fail the task without retry."""

    def execute(self, context):
        try:
            return super().execute(context)
        except AirflowFailException:
            raise
        except Exception as failure:
            code = tasks.exit_code_of(failure)
            if code is not None and not tasks.retryable(code):
                raise AirflowFailException(
                    "pipeline exit %d (%s): fix the command, the conf file or the data; a retry would fail"
                    " the same way, so none is made. %s" % (code, _MEANING.get(code, "?"), failure)
                ) from failure
            raise


def submit(task):
    """The operator of one sentiment_tasks.Task (inside a `with DAG(...)` block)."""
    return PipelineSubmitOperator(
        task_id=task.task_id,
        conn_id=tasks.SPARK_CONN_ID,
        application=tasks.template_var(tasks.VAR_JAR),
        jars=tasks.template_var(tasks.VAR_JARS),
        java_class=tasks.MAIN_CLASS,
        application_args=task.args,
        conf=task.spark_conf,
        name="sentiment-" + task.task_id + "-{{ ds }}",
        execution_timeout=task.execution_timeout,
    )


def chain(task_list):
    """One operator per task, each downstream of the one before; returns the operators."""
    operators = [submit(task) for task in task_list]
    for upstream, downstream in zip(operators, operators[1:]):
        upstream >> downstream
    return operators


def notify_failure(context):
    # Plug chat or paging in here; the message names the task, date and log URL.
    log.error(tasks.failure_message(context))
