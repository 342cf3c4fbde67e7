"""The sentiment pipeline's Airflow tasks, built in one place and importable without Airflow.

Both DAG files turn the Task lists below into operators; airflow/tests/print_commands.py prints the
same lists for a concrete date so a JUnit test can run every command through the pipeline's CLI,
and compares the nightly list with `pipeline steps --run-date D`, the sequence `pipeline run`
executes. A DAG therefore cannot name a command or an option the CLI does not have, nor run other
steps than `run` does.

Airflow-specific values are Jinja templates rendered when a task runs, never read at import time:
"{{ ds }}" for the run date and "{{ var.value.<name> }}" for the Variables below.
"""

import re
from collections import namedtuple
from datetime import timedelta

MAIN_CLASS = "io.sentimentpipeline.jobs.cli.PipelineCli"
SPARK_CONN_ID = "spark_sentiment"

# Airflow Variables (Admin -> Variables), read when a task runs; see airflow/README.md.
VAR_JAR = "sentiment_jar"              # path or URI of sentiment-jobs-<version>.jar
VAR_JARS = "sentiment_jars"            # comma-separated dependency jars (jobs/target/cluster-libs)
VAR_CONF = "sentiment_conf"            # HOCON file the driver reads (--conf)
# The retrain DAG's cron: an environment variable of the scheduler and DAG processor (a schedule
# cannot be a template, and a Variable read while parsing costs a database query on every parse).
ENV_RETRAIN_SCHEDULE = "SENTIMENT_RETRAIN_SCHEDULE"  # unset or empty = manual only

RUN_DATE = "{{ ds }}"

# `pipeline steps --run-date D` prints the same commands (AirflowDagCommandsTest compares them):
# (command = task id, arguments after --run-date D, execution_timeout).
NIGHTLY_STEPS = (
    ("ingest", (), timedelta(hours=1)),
    ("clean", (), timedelta(hours=1)),
    ("tokenize", (), timedelta(hours=2)),
    ("score", (), timedelta(hours=4)),
    ("alerts", ("--nightly",), timedelta(hours=1)),   # the last alerts.recompute-days days: late news
    ("optimize", (), timedelta(hours=1)),
)
TRAIN_TIMEOUT = timedelta(hours=8)
RETRAIN_SCORE_TIMEOUT = timedelta(hours=4)

# The CLI's exit codes (pipeline --help). A bad flag or conf (64) or bad input data (65) fails the
# same way on every try: such a task fails at once. 70 (internal) and 75 (another run holds the
# stage) are retried with the DAG's backoff.
EXIT_USAGE_OR_CONFIG = 64
EXIT_BAD_INPUT = 65
NO_RETRY_EXIT_CODES = frozenset((EXIT_USAGE_OR_CONFIG, EXIT_BAD_INPUT))

# Settings every driver and executor needs: DJL must not download or phone home.
DJL_OPTIONS = "-Dai.djl.offline=true -DOPT_OUT_TRACKING=true"
BASE_SPARK_CONF = {
    "spark.driver.extraJavaOptions": DJL_OPTIONS,
    "spark.executor.extraJavaOptions": DJL_OPTIONS,
}

# Executors with one GPU each for fine-tuning (README, "GPU retrain", way 1). No
# spark.task.resource.gpu.amount: it would make every task of every stage wait for a GPU; the
# training stage's own resource profile asks for train.gpus-per-task GPUs (GPU_TRAIN_ARGS).
GPU_SPARK_CONF = {
    "spark.executor.resource.gpu.amount": "1",
    "spark.executor.resource.gpu.discoveryScript": "/opt/spark/scripts/getGpusResources.sh",
    "spark.executor.resource.gpu.vendor": "nvidia.com",
    "spark.executor.cores": "4",
    "spark.executor.memory": "16g",
    "spark.executor.memoryOverhead": "6g",
}
GPU_TRAIN_ARGS = ("--set", "train.gpus-per-task=1")

Task = namedtuple("Task", ["task_id", "args", "spark_conf", "execution_timeout"])


def template_var(name):
    """A Jinja reference to an Airflow Variable, rendered at run time (not at DAG parse time)."""
    return "{{ var.value.%s }}" % name


def cli_args(command, run_date, conf_path, extra=()):
    """The application arguments of one pipeline command: `pipeline steps`' line, then --conf."""
    return [command, "--run-date", run_date] + list(extra) + ["--conf", conf_path]


def nightly_tasks(run_date=RUN_DATE, conf_path=None):
    """ingest -> clean -> tokenize -> score -> alerts (trailing window) -> optimize, in order."""
    conf_path = conf_path or template_var(VAR_CONF)
    return [Task(command, cli_args(command, run_date, conf_path, extra), dict(BASE_SPARK_CONF), timeout)
            for command, extra, timeout in NIGHTLY_STEPS]


def retrain_tasks(run_date=RUN_DATE, conf_path=None, domain="review", gpu=True):
    """train on GPU executors, then score with whatever champion training left in ml.models.

    With gpu, the submit asks one GPU per executor (Spark settings) and the command asks one per
    training task (train.gpus-per-task), as the README's "GPU retrain" shows.
    """
    conf_path = conf_path or template_var(VAR_CONF)
    train_conf = dict(BASE_SPARK_CONF)
    train_extra = ["--domain", domain]
    if gpu:
        train_conf.update(GPU_SPARK_CONF)
        train_extra += GPU_TRAIN_ARGS
    return [
        Task("train", cli_args("train", run_date, conf_path, train_extra), train_conf, TRAIN_TIMEOUT),
        Task("score", cli_args("score", run_date, conf_path), dict(BASE_SPARK_CONF), RETRAIN_SCORE_TIMEOUT),
    ]


def exit_code_of(message):
    """The pipeline's exit code in the Spark provider's failure message, or None.

    SparkSubmitHook raises "Cannot execute: <cmd>. Error code is: N." (spark-submit's status, the
    driver's in client deploy mode) and on Kubernetes adds "Kubernetes spark exit code is: M"
    (the driver pod's), which wins when present.
    """
    text = str(message)
    for pattern in (r"Kubernetes spark exit code is: (-?\d+)", r"Error code is: (-?\d+)"):
        found = re.findall(pattern, text)
        if found:
            return int(found[-1])
    return None


def retryable(exit_code):
    """Whether a failure with this exit code may pass on a later try (unknown: yes)."""
    return exit_code not in NO_RETRY_EXIT_CODES


def failure_message(context):
    """One line for logs and chat: which task of which run failed, and where its log is."""
    ti = context.get("task_instance")
    return "sentiment pipeline: %s.%s failed for %s (try %s): %s; log: %s" % (
        getattr(ti, "dag_id", "?"),
        getattr(ti, "task_id", "?"),
        context.get("ds", "?"),
        getattr(ti, "try_number", "?"),
        context.get("exception", ""),
        getattr(ti, "log_url", "?"),
    )
