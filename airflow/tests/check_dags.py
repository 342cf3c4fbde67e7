"""Loads both DAG files against a minimal stand-in for the Airflow API and checks their wiring.

    python3 airflow/tests/check_dags.py

Airflow cannot be installed where the tests run, so this records what the DAG files ask of it:
DAG settings, the operators in order and their arguments, which must equal sentiment_tasks'. It
also fails if a file reads the clock or reads a Variable when parsed (other than the retrain
schedule). Prints "ok" and exits 0 when all holds.
"""

import datetime
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


class FakeOperator:
    def __init__(self, task_id, **kwargs):
        self.task_id, self.kwargs, self.upstream = task_id, kwargs, []
        FakeDag.current.operators.append(self)

    def __rshift__(self, other):
        other.upstream.append(self)
        return other


class FakeVariable:
    @staticmethod
    def get(key, default_var=None):
        variable_reads.append(key)
        return default_var


def install_fakes():
    modules = {
        "pendulum": {"datetime": lambda y, m, d, tz=None: datetime.datetime(y, m, d, tzinfo=datetime.timezone.utc)},
        "airflow": {"DAG": FakeDag},
        "airflow.models": {"Variable": FakeVariable},
        "airflow.models.param": {"Param": lambda default, **kw: default},
        "airflow.providers": {}, "airflow.providers.apache": {}, "airflow.providers.apache.spark": {},
        "airflow.providers.apache.spark.operators": {},
        "airflow.providers.apache.spark.operators.spark_submit": {"SparkSubmitOperator": FakeOperator},
    }
    for name, attributes in modules.items():
        module = types.ModuleType(name)
        module.__dict__.update(attributes)
        sys.modules[name] = module


def load(file_name):
    path = os.path.join(DAGS, file_name)
    source = open(path, encoding="utf-8").read()
    assert not re.search(r"\b(now|utcnow|today)\(", source), file_name + " reads the clock"
    del variable_reads[:]
    exec(compile(source, path, "exec"), {"__name__": file_name[:-3]})
    return created[-1], list(variable_reads)


def check_chain(dag, expected):
    assert [op.task_id for op in dag.operators] == [t.task_id for t in expected], dag.dag_id
    for i, (op, task) in enumerate(zip(dag.operators, expected)):
        assert op.kwargs["application_args"] == task.args, (dag.dag_id, op.task_id)
        assert op.kwargs["conf"] == task.spark_conf, (dag.dag_id, op.task_id)
        assert op.kwargs["java_class"] == tasks.MAIN_CLASS
        assert op.kwargs["conn_id"] == tasks.SPARK_CONN_ID
        assert op.kwargs["application"] == "{{ var.value.%s }}" % tasks.VAR_JAR
        assert [u.task_id for u in op.upstream] == ([dag.operators[i - 1].task_id] if i else []), op.task_id
    defaults = dag.kwargs["default_args"]
    assert defaults["retries"] >= 1 and defaults["retry_exponential_backoff"] is True, dag.dag_id
    assert callable(defaults["on_failure_callback"]), dag.dag_id
    assert isinstance(dag.kwargs["start_date"], datetime.datetime), "a fixed start_date"
    assert dag.kwargs["max_active_runs"] == 1 and dag.kwargs["catchup"] is False, dag.dag_id


def main():
    install_fakes()
    nightly, reads = load("sentiment_nightly.py")
    assert nightly.dag_id == "sentiment_nightly" and reads == [], ("nightly reads Variables when parsed", reads)
    assert nightly.kwargs["schedule"], "nightly has a schedule"
    check_chain(nightly, tasks.nightly_tasks())

    retrain, reads = load("sentiment_retrain.py")
    assert retrain.dag_id == "sentiment_retrain"
    assert reads == [tasks.VAR_RETRAIN_SCHEDULE], ("only the schedule is read when parsed", reads)
    assert retrain.kwargs["schedule"] is None, "manual unless the Variable is set"
    check_chain(retrain, tasks.retrain_tasks(domain="{{ params.domain }}"))
    assert retrain.operators[0].kwargs["conf"]["spark.executor.resource.gpu.amount"] == "1"

    message = tasks.failure_message({"ds": "2026-11-20", "exception": "boom",
                                     "task_instance": types.SimpleNamespace(dag_id="d", task_id="t", try_number=2, log_url="u")})
    assert "d.t failed for 2026-11-20 (try 2): boom; log: u" in message, message
    print("ok")


if __name__ == "__main__":
    main()
