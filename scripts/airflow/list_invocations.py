"""Prints what the DAG file builds, rendered for one day, as JSON, without Airflow (nor jinja2) installed.

Airflow is replaced by stubs that record each DAG's arguments (schedule, catchup, max_active_runs, ...) and each
operator's arguments and downstream tasks; the DAG file itself runs unchanged. As Airflow does at run time, the
operator's templated fields (and only those) are rendered for the given ``ds`` by a small renderer that knows the
expressions the DAG uses: ``{{ ds }}``, ``{{ ds_nodash }}``, ``{{ var.value.NAME }}`` and
``{{ macros.ds_add(EXPR, DAYS) }}``; any other expression is an error, so nothing is left unchecked. A template in a
field Airflow does not render stays as written (``{{`` in the output). ``Variable.get`` raises: the DAG file must not
read Variables when it is parsed (the scheduler parses it every 30 s; templates are rendered per run).

Used by the test that runs every invocation exactly as rendered (AirflowDagTest).

Usage: python3 scripts/airflow/list_invocations.py --ds YYYY-MM-DD [--var NAME=VALUE ...] [dag-file]
"""
import argparse
import datetime
import json
import os
import re
import sys
import types

DAGS = []
TASKS = []
_current_dag = []


class TemplateError(Exception):
    pass


class Renderer:
    """The part of Airflow's Jinja context the DAG uses: ds, ds_nodash, var.value.NAME, macros.ds_add."""
    EXPR = re.compile(r"{{(.*?)}}")
    DS_ADD = re.compile(r"macros\.ds_add\((.+),\s*(-?\d+)\s*\)")
    VAR = re.compile(r"var\.value\.([A-Za-z_][A-Za-z0-9_]*)")

    def __init__(self, ds, variables):
        datetime.date.fromisoformat(ds)
        self.ds = ds
        self.variables = variables

    def render(self, value):
        """Renders like BaseOperator.render_template: strings, and the items of lists, tuples and dict values."""
        if isinstance(value, str):
            if "{%" in value or "{#" in value:
                raise TemplateError("unsupported Jinja block in %r" % value)
            return self.EXPR.sub(lambda m: str(self.evaluate(m.group(1).strip())), value)
        if isinstance(value, (list, tuple)):
            return [self.render(v) for v in value]
        if isinstance(value, dict):
            return {k: self.render(v) for k, v in value.items()}
        return value

    def evaluate(self, expr):
        if expr == "ds":
            return self.ds
        if expr == "ds_nodash":
            return self.ds.replace("-", "")
        m = self.VAR.fullmatch(expr)
        if m:
            if m.group(1) not in self.variables:
                raise TemplateError("Variable %s is not set (pass --var %s=VALUE)" % (m.group(1), m.group(1)))
            return self.variables[m.group(1)]
        m = self.DS_ADD.fullmatch(expr)
        if m:
            day = datetime.date.fromisoformat(str(self.evaluate(m.group(1).strip())))
            return (day + datetime.timedelta(days=int(m.group(2)))).isoformat()
        raise TemplateError("unsupported template expression {{ %s }}" % expr)


RENDERER = None


class _Task:
    template_fields = ()

    def __init__(self, task_id=None, **kwargs):
        self.task_id = task_id
        self.kwargs = kwargs
        self.dag_id = _current_dag[-1].dag_id if _current_dag else None
        self.downstream = []
        TASKS.append(self)

    def __rshift__(self, other):
        for t in other if isinstance(other, (list, tuple)) else [other]:
            self.downstream.append(t.task_id)
        return other

    def __rrshift__(self, other):
        for t in other if isinstance(other, (list, tuple)) else [other]:
            t.downstream.append(self.task_id)
        return self

    def record(self):
        out = {"dag_id": self.dag_id, "task_id": self.task_id, "operator": type(self).__name__,
               "downstream": self.downstream}
        for k, v in self.kwargs.items():
            out[k] = RENDERER.render(v) if k in self.template_fields else v
        return out


# template_fields as the operators declare them (SparkSubmitOperator keeps them in underscored attributes)
class SparkSubmitOperator(_Task):
    template_fields = ("application", "conf", "files", "py_files", "jars", "driver_class_path", "packages",
                       "exclude_packages", "keytab", "principal", "proxy_user", "name", "application_args",
                       "env_vars", "properties_file")


class BashOperator(_Task):
    template_fields = ("bash_command", "env", "cwd")


class TriggerDagRunOperator(_Task):
    template_fields = ("trigger_dag_id", "trigger_run_id", "logical_date", "conf")


class PythonOperator(_Task):
    template_fields = ("templates_dict", "op_args", "op_kwargs")


class ShortCircuitOperator(PythonOperator):
    pass


class _Timetable:
    def __init__(self, cron, *, timezone, **kwargs):
        self.description = {"timetable": type(self).__name__, "cron": cron, "timezone": str(timezone), **kwargs}


class CronDataIntervalTimetable(_Timetable):
    pass


class CronTriggerTimetable(_Timetable):
    pass


class DAG:
    def __init__(self, dag_id, **kwargs):
        self.dag_id = dag_id
        self.kwargs = kwargs
        DAGS.append(self)

    def __enter__(self):
        _current_dag.append(self)
        return self

    def __exit__(self, *exc):
        _current_dag.pop()
        return False

    def record(self):
        out = {"dag_id": self.dag_id}
        for k, v in self.kwargs.items():
            out[k] = v.description if isinstance(v, _Timetable) else v
        return out


class Variable:
    @staticmethod
    def get(key, *args, **kwargs):
        raise RuntimeError("Variable.get(%r) while the DAG file is parsed: use {{ var.value.%s }} in a templated"
                           " field" % (key, key))


def _module(name, **attrs):
    m = types.ModuleType(name)
    m.__dict__.update(attrs)
    sys.modules[name] = m
    return m


def _stub_airflow():
    _module("airflow", DAG=DAG)
    _module("airflow.models", DAG=DAG, Variable=Variable)
    _module("airflow.operators")
    _module("airflow.operators.bash", BashOperator=BashOperator)
    _module("airflow.operators.python", PythonOperator=PythonOperator, ShortCircuitOperator=ShortCircuitOperator)
    _module("airflow.operators.trigger_dagrun", TriggerDagRunOperator=TriggerDagRunOperator)
    _module("airflow.providers")
    _module("airflow.providers.apache")
    _module("airflow.providers.apache.spark")
    _module("airflow.providers.apache.spark.operators")
    _module("airflow.providers.apache.spark.operators.spark_submit", SparkSubmitOperator=SparkSubmitOperator)
    _module("airflow.timetables")
    _module("airflow.timetables.interval", CronDataIntervalTimetable=CronDataIntervalTimetable)
    _module("airflow.timetables.trigger", CronTriggerTimetable=CronTriggerTimetable)


def main(argv):
    global RENDERER
    p = argparse.ArgumentParser(description="The DAGs and tasks of an Airflow DAG file, rendered for one ds.")
    p.add_argument("--ds", required=True, help="the run's ds (YYYY-MM-DD)")
    p.add_argument("--var", action="append", default=[], metavar="NAME=VALUE", help="an Airflow Variable")
    p.add_argument("dag_file", nargs="?", default=os.path.join(os.path.dirname(__file__), "lakead_dag.py"))
    a = p.parse_args(argv)
    variables = dict(v.split("=", 1) for v in a.var)
    RENDERER = Renderer(a.ds, variables)
    _stub_airflow()
    code = compile(open(a.dag_file).read(), a.dag_file, "exec")
    exec(code, {"__name__": "lakead_dag", "__file__": a.dag_file})
    try:
        out = {"ds": a.ds, "dags": [d.record() for d in DAGS], "tasks": [t.record() for t in TASKS]}
    except TemplateError as e:
        sys.exit("list_invocations: %s" % e)
    print(json.dumps(out, indent=1, default=str))


if __name__ == "__main__":
    main(sys.argv[1:])
