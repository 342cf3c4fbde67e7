"""Loads both DAG files against a minimal stand-in for the Airflow API and checks their wiring.

    python3 airflow/tests/check_dags.py                                # checks; prints "ok"
    python3 airflow/tests/check_dags.py --ds 2026-11-20 --conf FILE    # checks; prints the tasks as JSON

Airflow cannot be installed where the tests run, so this records what the DAG files ask of it, once
with Airflow 3's layout (airflow.sdk; the 2.x-only modules missing) and once with 2.x's (no
airflow.sdk): DAG settings, the operators in order, their arguments (equal to sentiment_tasks'), an
execution_timeout on every task, and that a pipeline exit 64 or 65 fails a task without retry while
70 and 75 are retried. It fails if a file reads the clock or a Variable when parsed. With --ds and
--conf it prints every operator's arguments as the stand-in renders the templates ({{ ds }}, the
sentiment_conf Variable, params.domain = review), which AirflowDagCommandsTest compares with
`pipeline steps` and runs through the CLI.
"""

import argparse
import datetime
import json
import os
import re
import sys
import types

sys.dont_write_bytecode = True
DAGS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "dags")
sys.path.insert(0, DAGS)

import sentiment_tasks as tasks  # noqa: E402

created = []          # every DAG built, with its operators
variable_reads = []   # Variable.get calls made while a file was parsed


class FakeDag:
    current = None

    def __init__(self, dag_id, **kwargs):
        self.dag_id, self.kwargs, self.operators = dag_id, kwargs, []
        created.append(self)

    def __enter__(self):
        FakeDag.current = self
        return self

    def __exit__(self, *exc):
        FakeDag.current = None


class FakeAirflowException(Exception):
    pass


class FakeAirflowFailException(FakeAirflowException):
    """Airflow fails a task raising this without using its retries."""


class FakeSparkSubmitOperator:
    exit_code = 0            # what the next execute's spark-submit "returns"
    kubernetes_exit = None   # the driver pod's exit code, as the provider reports it on Kubernetes

    def __init__(self, task_id, **kwargs):
        self.task_id, self.kwargs, self.upstream = task_id, kwargs, []
        FakeDag.current.operators.append(self)

    def __rshift__(self, other):
        other.upstream.append(self)
        return other

    def execute(self, context):
        # The message SparkSubmitHook.submit raises (apache-airflow-providers-apache-spark).
        code, pod = FakeSparkSubmitOperator.exit_code, FakeSparkSubmitOperator.kubernetes_exit
        if pod is not None:
            raise FakeAirflowException("Cannot execute: spark-submit --master k8s://x app.jar. Error code is: %d."
                                       " Kubernetes spark exit code is: %d" % (code, pod))
        if code:
            raise FakeAirflowException("Cannot execute: spark-submit --master yarn app.jar. Error code is: %d." % code)
        return None


class FakeVariable:
    @staticmethod
    def get(key, default_var=None, **kwargs):
        variable_reads.append(key)
        return default_var


def install_fakes(layout):
    """Airflow 3 ("sdk"): DAG and Param from airflow.sdk, no airflow.models; 2.x ("v2"): no airflow.sdk."""
    for name in [m for m in sys.modules if m == "airflow" or m.startswith("airflow.") or m.startswith("sentiment_")]:
        if name != "sentiment_tasks":
            del sys.modules[name]
    param = lambda default, **kw: default  # noqa: E731
    modules = {
        "pendulum": {"datetime": lambda y, m, d, tz=None: datetime.datetime(y, m, d, tzinfo=datetime.timezone.utc)},
        "airflow": {},
        "airflow.providers": {}, "airflow.providers.apache": {}, "airflow.providers.apache.spark": {},
        "airflow.providers.apache.spark.operators": {},
        "airflow.providers.apache.spark.operators.spark_submit": {"SparkSubmitOperator": FakeSparkSubmitOperator},
    }
    if layout == "sdk":
        modules["airflow.sdk"] = {"DAG": FakeDag, "Param": param, "Variable": FakeVariable}
        modules["airflow.sdk.exceptions"] = {"AirflowFailException": FakeAirflowFailException,
                                             "AirflowException": FakeAirflowException}
        blocked = ["airflow.models", "airflow.models.param", "airflow.exceptions"]
    else:
        modules["airflow"] = {"DAG": FakeDag}
        modules["airflow.models"] = {"Variable": FakeVariable}
        modules["airflow.models.param"] = {"Param": param}
        modules["airflow.exceptions"] = {"AirflowFailException": FakeAirflowFailException,
                                         "AirflowException": FakeAirflowException}
        blocked = ["airflow.sdk", "airflow.sdk.exceptions"]
    for name, attributes in modules.items():
        module = types.ModuleType(name)
        module.__dict__.update(attributes)
        sys.modules[name] = module
    for name in blocked:
        sys.modules[name] = None  # `import` raises ImportError, as on that Airflow


def load(file_name, environ=None):
    path = os.path.join(DAGS, file_name)
    source = open(path, encoding="utf-8").read()
    assert not re.search(r"\b(now|utcnow|today)\(", source), file_name + " reads the clock"
    for helper in ("sentiment_airflow.py", "sentiment_tasks.py", file_name):
        code = open(os.path.join(DAGS, helper), encoding="utf-8").read()
        assert not re.search(r"Variable\.get|import[^\n]*\bVariable\b", code), helper + " uses Variable (read when parsed)"
    saved = dict(os.environ)
    os.environ.pop(tasks.ENV_RETRAIN_SCHEDULE, None)
    os.environ.update(environ or {})
    try:
        del variable_reads[:]
        exec(compile(source, path, "exec"), {"__name__": file_name[:-3]})
    finally:
        os.environ.clear()
        os.environ.update(saved)
    assert variable_reads == [], (file_name, "reads Variables when parsed", variable_reads)
    return created[-1]


def check_exit_codes(op):
    """64 and 65 fail without retry; 70, 75 and unknown failures raise a plain (retried) exception."""
    for code, pod, retried in [(64, None, False), (65, None, False), (70, None, True), (75, None, True),
                               (1, 65, False), (1, 75, True), (143, None, True)]:
        FakeSparkSubmitOperator.exit_code, FakeSparkSubmitOperator.kubernetes_exit = code, pod
        try:
            op.execute({})
            raise AssertionError((op.task_id, code, "did not fail"))
        except FakeAirflowFailException as failure:
            assert not retried, (op.task_id, code, pod, "fails without retry, but should be retried")
            assert "exit %d" % (pod if pod is not None else code) in str(failure), str(failure)
        except FakeAirflowException:
            assert retried, (op.task_id, code, pod, "is retried, but a retry cannot help")
    FakeSparkSubmitOperator.exit_code, FakeSparkSubmitOperator.kubernetes_exit = 0, None
    assert op.execute({}) is None


def check_chain(dag, expected):
    assert [op.task_id for op in dag.operators] == [t.task_id for t in expected], dag.dag_id
    for i, (op, task) in enumerate(zip(dag.operators, expected)):
        assert isinstance(op, FakeSparkSubmitOperator) and type(op) is not FakeSparkSubmitOperator, (
            op.task_id, "the exit-code-aware subclass")
        assert op.kwargs["application_args"] == task.args, (dag.dag_id, op.task_id)
        assert op.kwargs["conf"] == task.spark_conf, (dag.dag_id, op.task_id)
        assert op.kwargs["java_class"] == tasks.MAIN_CLASS
        assert op.kwargs["conn_id"] == tasks.SPARK_CONN_ID
        assert op.kwargs["application"] == "{{ var.value.%s }}" % tasks.VAR_JAR
        timeout = op.kwargs.get("execution_timeout")
        assert isinstance(timeout, datetime.timedelta) and timeout > datetime.timedelta(0), (op.task_id, "execution_timeout")
        assert timeout == task.execution_timeout, op.task_id
        assert "spark.task.resource.gpu.amount" not in op.kwargs["conf"], (op.task_id, "README: do not set it")
        assert [u.task_id for u in op.upstream] == ([dag.operators[i - 1].task_id] if i else []), op.task_id
        check_exit_codes(op)
    defaults = dag.kwargs["default_args"]
    assert defaults["retries"] >= 1 and defaults["retry_exponential_backoff"] is True, dag.dag_id
    assert callable(defaults["on_failure_callback"]), dag.dag_id
    assert isinstance(dag.kwargs["start_date"], datetime.datetime), "a fixed start_date"
    assert dag.kwargs["max_active_runs"] == 1 and dag.kwargs["catchup"] is False, dag.dag_id


def describe(dag):
    return [(op.task_id, op.kwargs, [u.task_id for u in op.upstream]) for op in dag.operators] + [dag.kwargs["schedule"]]


def check(layout):
    install_fakes(layout)
    nightly = load("sentiment_nightly.py")
    assert nightly.dag_id == "sentiment_nightly" and nightly.kwargs["schedule"], "nightly has a schedule"
    check_chain(nightly, tasks.nightly_tasks())

    retrain = load("sentiment_retrain.py")
    assert retrain.dag_id == "sentiment_retrain"
    assert retrain.kwargs["schedule"] is None, "manual unless %s is set" % tasks.ENV_RETRAIN_SCHEDULE
    check_chain(retrain, tasks.retrain_tasks(domain="{{ params.domain }}"))
    train_conf = retrain.operators[0].kwargs["conf"]
    assert train_conf["spark.executor.resource.gpu.amount"] == "1"
    assert "train.gpus-per-task=1" in retrain.operators[0].kwargs["application_args"]
    scheduled = load("sentiment_retrain.py", {tasks.ENV_RETRAIN_SCHEDULE: "0 4 * * 0"})
    assert scheduled.kwargs["schedule"] == "0 4 * * 0", scheduled.kwargs["schedule"]
    return nightly, retrain


def render(value, ds, conf):
    rendered = (value.replace("{{ ds }}", ds).replace("{{ var.value.%s }}" % tasks.VAR_CONF, conf)
                .replace("{{ params.domain }}", "review"))
    assert "{{" not in rendered, ("a template this stand-in cannot render", value)
    return rendered


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ds", help="the logical date, as Airflow renders {{ ds }}")
    parser.add_argument("--conf", help="the value of the sentiment_conf Variable")
    options = parser.parse_args()

    v2 = check("v2")
    v3 = check("sdk")
    for old, new in zip(v2, v3):
        assert describe(old) == describe(new), (old.dag_id, "differs between Airflow 2 and 3 imports")

    message = tasks.failure_message({"ds": "2026-11-20", "exception": "boom",
                                     "task_instance": types.SimpleNamespace(dag_id="d", task_id="t", try_number=2, log_url="u")})
    assert "d.t failed for 2026-11-20 (try 2): boom; log: u" in message, message

    if not options.ds:
        print("ok")
        return
    print(json.dumps({"main_class": tasks.MAIN_CLASS, **{
        dag.dag_id: [{"task_id": op.task_id,
                      "args": [render(a, options.ds, options.conf) for a in op.kwargs["application_args"]],
                      "spark_conf": op.kwargs["conf"],
                      "execution_timeout_s": op.kwargs["execution_timeout"].total_seconds()}
                     for op in dag.operators]
        for dag in v3}}, indent=2))


if __name__ == "__main__":
    main()
