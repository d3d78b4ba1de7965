"""Prints every lakead job invocation the DAG file builds, as JSON, without Airflow installed.

Airflow is replaced by stubs that record each SparkSubmitOperator's arguments; the DAG file itself runs
unchanged. Airflow Variables come from LAKEAD_DAG_<NAME> environment variables when set, else their defaults.
Used by the test that checks each invocation against the job's own argument parser (--dry-run).

Usage: python3 scripts/airflow/list_invocations.py [dag-file]
"""
import json
import os
import sys
import types

RECORDED = []


class _Task:
    def __init__(self, task_id=None, **kwargs):
        self.task_id = task_id
        self.kwargs = kwargs

    def __rshift__(self, other):
        return other

    def __rrshift__(self, other):
        return self


class SparkSubmitOperator(_Task):
    def __init__(self, task_id=None, **kwargs):
        super().__init__(task_id, **kwargs)
        RECORDED.append({"task_id": task_id, "java_class": kwargs.get("java_class"),
                         "application": kwargs.get("application"), "files": kwargs.get("files"),
                         "args": list(kwargs.get("application_args", []))})


class DAG:
    def __init__(self, dag_id, **kwargs):
        self.dag_id = dag_id

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class Variable:
    @staticmethod
    def get(name, default_var=None):
        return os.environ.get("LAKEAD_DAG_" + name.upper(), default_var)


def _module(name, **attrs):
    m = types.ModuleType(name)
    m.__dict__.update(attrs)
    sys.modules[name] = m
    return m


_module("airflow", DAG=DAG)
_module("airflow.models", Variable=Variable)
_module("airflow.operators")
_module("airflow.operators.python", ShortCircuitOperator=_Task)
_module("airflow.operators.trigger_dagrun", TriggerDagRunOperator=_Task)
_module("airflow.providers")
_module("airflow.providers.apache")
_module("airflow.providers.apache.spark")
_module("airflow.providers.apache.spark.operators")
_module("airflow.providers.apache.spark.operators.spark_submit", SparkSubmitOperator=SparkSubmitOperator)

dag_file = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "lakead_dag.py")
code = compile(open(dag_file).read(), dag_file, "exec")
exec(code, {"__name__": "lakead_dag", "__file__": dag_file})
print(json.dumps(RECORDED, indent=1))
