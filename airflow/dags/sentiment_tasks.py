"""The sentiment pipeline's Airflow tasks, built in one place and importable without Airflow.

Both DAG files turn the Task lists below into SparkSubmitOperators; airflow/tests/print_commands.py
prints the same lists for a concrete date so a JUnit test can run every command through the
pipeline's CLI. A DAG therefore cannot name a command or an option the CLI does not have.

Airflow-specific values are Jinja templates rendered when a task runs, never read at import time:
"{{ ds }}" for the run date and "{{ var.value.<name> }}" for the Variables below.
"""

from collections import namedtuple

MAIN_CLASS = "io.sentimentpipeline.jobs.cli.PipelineCli"
SPARK_CONN_ID = "spark_sentiment"

# Airflow Variables (Admin -> Variables); see airflow/README.md.
VAR_JAR = "sentiment_jar"              # path or URI of sentiment-jobs-<version>.jar
VAR_JARS = "sentiment_jars"            # comma-separated dependency jars (jobs/target/cluster-libs)
VAR_CONF = "sentiment_conf"            # HOCON file the driver reads (--conf)
VAR_RETRAIN_SCHEDULE = "sentiment_retrain_schedule"  # cron for the retrain DAG; unset = manual only

RUN_DATE = "{{ ds }}"
NIGHTLY_STEPS = ("ingest", "clean", "tokenize", "score", "alerts")

# Settings every driver and executor needs: DJL must not download or phone home.
DJL_OPTIONS = "-Dai.djl.offline=true -DOPT_OUT_TRACKING=true"
BASE_SPARK_CONF = {
    "spark.driver.extraJavaOptions": DJL_OPTIONS,
    "spark.executor.extraJavaOptions": DJL_OPTIONS,
}

# GPU executors for fine-tuning (train.gpus-per-task asks one GPU per training task).
GPU_SPARK_CONF = {
    "spark.executor.resource.gpu.amount": "1",
    "spark.task.resource.gpu.amount": "1",
    "spark.executor.resource.gpu.discoveryScript": "/opt/spark/scripts/getGpusResources.sh",
    "spark.executor.resource.gpu.vendor": "nvidia.com",
    "spark.executor.cores": "4",
    "spark.executor.memory": "16g",
    "spark.executor.memoryOverhead": "6g",
}

Task = namedtuple("Task", ["task_id", "args", "spark_conf"])


def template_var(name):
    """A Jinja reference to an Airflow Variable, rendered at run time (not at DAG parse time)."""
    return "{{ var.value.%s }}" % name


def cli_args(command, run_date, conf_path, extra=()):
    """The application arguments of one pipeline command, exactly as the CLI takes them."""
    return [command, "--run-date", run_date, "--conf", conf_path] + list(extra)


def nightly_tasks(run_date=RUN_DATE, conf_path=None):
    """ingest -> clean -> tokenize -> score -> alerts for one run date, in order."""
    conf_path = conf_path or template_var(VAR_CONF)
    return [Task(step, cli_args(step, run_date, conf_path), dict(BASE_SPARK_CONF)) for step in NIGHTLY_STEPS]


def retrain_tasks(run_date=RUN_DATE, conf_path=None, domain="review", gpu=True):
    """train on GPU executors, then score with whatever champion training left in ml.models.

    The GPUs are Spark settings of the submit (every training task gets one), not CLI arguments,
    so the command line is the same on a GPU cluster and on a laptop. On a cluster with dynamic
    allocation, train.gpus-per-task in the conf file asks GPU executors for the training stage only.
    """
    conf_path = conf_path or template_var(VAR_CONF)
    train_conf = dict(BASE_SPARK_CONF)
    if gpu:
        train_conf.update(GPU_SPARK_CONF)
    return [
        Task("train", cli_args("train", run_date, conf_path, ["--domain", domain]), train_conf),
        Task("score", cli_args("score", run_date, conf_path), dict(BASE_SPARK_CONF)),
    ]


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
