"""Prints, as JSON, the CLI arguments of every task of both DAGs for one date, in order.

    python3 airflow/tests/print_commands.py --ds 2026-11-20 --conf /path/to/pipeline.conf

Imports sentiment_tasks only (not Airflow), so it runs anywhere python3 does. The JUnit test
AirflowDagCommandsTest runs the same commands, as the DAG files' operators hold them
(airflow/tests/check_dags.py --ds D --conf FILE), through the pipeline's CLI.
"""

import argparse
import json
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "dags"))

import sentiment_tasks as tasks  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ds", required=True, help="the logical date, as Airflow renders {{ ds }}")
    parser.add_argument("--conf", required=True, help="the value of the sentiment_conf Variable")
    parser.add_argument("--domain", default="review", help="the retrain DAG's domain param")
    options = parser.parse_args()

    def render(task_list):
        return [{"task_id": t.task_id, "args": t.args, "spark_conf": t.spark_conf,
                 "execution_timeout_s": t.execution_timeout.total_seconds()} for t in task_list]

    print(json.dumps({
        "main_class": tasks.MAIN_CLASS,
        "sentiment_nightly": render(tasks.nightly_tasks(options.ds, options.conf)),
        "sentiment_retrain": render(tasks.retrain_tasks(options.ds, options.conf, options.domain)),
    }, indent=2))


if __name__ == "__main__":
    main()
