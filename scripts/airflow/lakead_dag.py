"""Airflow DAGs for lakead: the production schedule of the chapter's 4.5.4 design.

* ``lakead_daily``  - score the new ``ds`` partition, send alerts for it, check it for drift; when the drift job
  recommends retraining, trigger ``lakead_retrain``.
* ``lakead_retrain`` - weekly (and on drift): preprocess the last weeks of data, train a new model version
  (threshold included), and promote it only if it is at least as good as the champion on the labelled
  validation table (champion / challenger). Older versions stay for rollback (``lakead promote --rollback``).

Every task is ``spark-submit`` of the same shaded jar and ``conf/`` file as ``scripts/lakead``; every lakead
job is idempotent (dynamic partition overwrite, versioned bundles, an alert outbox), so Airflow retries are safe.

Set the Airflow Variables ``lakead_jar`` (the shaded jar), ``lakead_conf`` (your settings file, e.g. a copy of
conf/example-sensors.conf) and ``lakead_drift_summary`` (drift.summary-path, readable from the scheduler).
"""
import json
from datetime import datetime, timedelta

from airflow import DAG
from airflow.models import Variable
from airflow.operators.python import ShortCircuitOperator
from airflow.operators.trigger_dagrun import TriggerDagRunOperator
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

JAR = Variable.get("lakead_jar", default_var="/opt/lakead/lakead-jobs-shaded.jar")
CONF = Variable.get("lakead_conf", default_var="/opt/lakead/conf/lakead.conf")
DRIFT_SUMMARY = Variable.get("lakead_drift_summary", default_var="/data/lakead/reports/drift/summary.json")
MAIN_CLASS = "dev.lakead.jobs.LakeadCli"

# Spark on Java 17 needs these on the driver and the executors (the same list as scripts/lakead).
OPENS = " ".join("--add-opens=java.base/%s=ALL-UNNAMED" % p for p in [
    "java.lang", "java.lang.invoke", "java.lang.reflect", "java.io", "java.net", "java.nio", "java.util",
    "java.util.concurrent", "java.util.concurrent.atomic", "sun.nio.ch", "sun.nio.cs", "sun.security.action",
    "sun.util.calendar"])

DAY = "{{ ds }}"
WEEK_AGO = "{{ macros.ds_add(ds, -28) }}"


def lakead(task_id, job, *args, **kwargs):
    """One lakead job as spark-submit of the shaded jar; the settings file is shipped with --files."""
    return SparkSubmitOperator(
        task_id=task_id,
        application=JAR,
        java_class=MAIN_CLASS,
        files=CONF,
        application_args=[job, "--config", CONF.rsplit("/", 1)[-1], *args],
        conf={"spark.driver.extraJavaOptions": OPENS, "spark.executor.extraJavaOptions": OPENS},
        name="lakead-" + task_id,
        **kwargs,
    )


def retrain_recommended():
    """Reads the drift job's summary: True (go on and trigger retraining) when retraining is recommended."""
    with open(DRIFT_SUMMARY) as f:
        return bool(json.load(f).get("retrain_recommended"))


default_args = {"owner": "lakead", "retries": 2, "retry_delay": timedelta(minutes=10)}

with DAG("lakead_daily", schedule="@daily", start_date=datetime(2026, 11, 1), catchup=False,
         default_args=default_args, tags=["lakead"]) as daily:
    score = lakead("score", "score", "--where", "dt = '%s'" % DAY)
    monitor = lakead("monitor", "monitor", "--where", "dt = '%s'" % DAY)
    drift = lakead("drift", "drift", "--where", "dt = '%s'" % DAY)
    drifted = ShortCircuitOperator(task_id="retrain_recommended", python_callable=retrain_recommended)
    trigger = TriggerDagRunOperator(task_id="trigger_retrain", trigger_dag_id="lakead_retrain")
    score >> [monitor, drift]
    drift >> drifted >> trigger

with DAG("lakead_retrain", schedule="@weekly", start_date=datetime(2026, 11, 1), catchup=False,
         default_args=default_args, tags=["lakead"]) as retrain:
    train_range = "dt >= '%s' AND dt < '%s'" % (WEEK_AGO, DAY)
    preprocess = lakead("preprocess", "preprocess", "--where", train_range)
    train = lakead("train", "train")
    promote = lakead("promote", "promote")
    preprocess >> train >> promote
