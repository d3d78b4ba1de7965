"""Airflow DAGs for lakead: the production schedule of the chapter's 4.5.4 design (Airflow 2.10 or later).

* ``lakead_daily`` - for each day ``ds``: score the partition ``dt = ds``, send alerts for it, check it for drift,
  and when the drift job recommends retraining for that day, trigger ``lakead_retrain``.
* ``lakead_retrain`` - weekly (Sundays 00:00 UTC) and on drift: preprocess the 28 days before its ``ds``, train a
  new model version (threshold included), and promote it only if it is at least as good as the champion on the
  labelled validation table (champion / challenger). Older versions stay for rollback (``lakead promote --rollback``).

Every Spark task is ``spark-submit --class dev.lakead.jobs.LakeadCli`` of the shaded jar through the
``spark_default`` connection (its master and deploy mode: YARN, Kubernetes or standalone, client or cluster).
Every lakead job is idempotent (dynamic partition overwrite, versioned bundles, an alert outbox), so retries are
safe. Java 17's module flags are not set here: Spark 3.5 adds them itself, and extraJavaOptions would replace
those of the cluster's spark-defaults.conf.

Set two Airflow Variables (nothing is read when the file is parsed: they are Jinja templates, rendered per run):

* ``lakead_jar``  - the shaded jar as spark-submit takes it; a URI such as
  ``hdfs:///lakead/lakead-jobs-shaded.jar`` works in every deploy mode;
* ``lakead_conf`` - your settings file (a copy of conf/example-sensors.conf) as a URI every driver can read,
  e.g. ``hdfs:///lakead/conf/lakead.conf``. Its ``drift.summary-path`` must be on a shared file system too.

The drift decision. The drift job writes its summary (``drift.summary-path``) with the filter it checked. The task
``retrain_recommended`` runs ``lakead retrain-recommended`` on the Airflow worker (``spark-submit --master
local[1]``, no SparkSession, a few seconds; ``spark-submit`` must be on the worker's PATH, as for the Spark
tasks), which reads that summary through Hadoop's FileSystem (hdfs://, s3a://, file:/) and exits 0 when retraining
is recommended for this ``ds`` (the trigger runs), 99 when it is not (BashOperator's ``skip_on_exit_code``: the
gate and the trigger are skipped) and 2 when the summary is missing or was written for another filter (the task
fails: a stale summary never triggers retraining). A job's own exit code could not carry the decision: in cluster
deploy mode the driver's exit code does not reach spark-submit.

Catchup and backfills: the daily DAG catches up (``catchup=True``: every partition since ``start_date`` is scored)
one run at a time in date order (``max_active_runs=1``), so each run's drift summary is read by that same run. A
drifted day triggers the retrain DAG with run id ``drift__<ds>`` and logical date ``ds + 1``: its training window
then ends with the drifted day, and a second trigger for the same day (a rerun) or the weekly run of the same date
is skipped (``skip_when_already_exists``). The retrain DAG also runs one at a time: retrains triggered by several
backfilled days queue up instead of training and promoting concurrently.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator
from airflow.timetables.interval import CronDataIntervalTimetable
from airflow.timetables.trigger import CronTriggerTimetable

try:  # Airflow 3, or 2.x with apache-airflow-providers-standard
    from airflow.providers.standard.operators.bash import BashOperator
    from airflow.providers.standard.operators.trigger_dagrun import TriggerDagRunOperator
except ImportError:  # Airflow 2.10
    from airflow.operators.bash import BashOperator
    from airflow.operators.trigger_dagrun import TriggerDagRunOperator

MAIN_CLASS = "dev.lakead.jobs.LakeadCli"
JAR = "{{ var.value.lakead_jar }}"
CONF = "{{ var.value.lakead_conf }}"
DAY = "dt = '{{ ds }}'"
TRAINING_DAYS = 28
# The drift gate: reads this day's drift summary (drift.summary-path of the settings file) on the Airflow worker.
GATE = ("spark-submit --master 'local[1]' --class " + MAIN_CLASS + " '" + JAR + "' retrain-recommended"
        " --config '" + CONF + "' --where \"" + DAY + "\"")


def lakead(task_id, job, *args, **kwargs):
    """One lakead job as spark-submit of the shaded jar; --config names the settings file by its URI."""
    return SparkSubmitOperator(
        task_id=task_id,
        application=JAR,
        java_class=MAIN_CLASS,
        application_args=[job, "--config", CONF, *args],
        name="lakead-%s-{{ ds }}" % task_id,
        **kwargs,
    )


default_args = {"owner": "lakead", "retries": 2, "retry_delay": timedelta(minutes=10)}

# ds = the day whose partition the run handles; the run starts when that day is over. The timetable is spelled out
# because Airflow 3's "@daily" would make ds the day the run starts.
with DAG("lakead_daily", schedule=CronDataIntervalTimetable("0 0 * * *", timezone="UTC"),
         start_date=datetime(2026, 11, 1), catchup=True, max_active_runs=1, default_args=default_args,
         tags=["lakead"]) as daily:
    score = lakead("score", "score", "--where", DAY)
    monitor = lakead("monitor", "monitor", "--where", DAY)
    drift = lakead("drift", "drift", "--where", DAY)
    # on this worker, no Spark: exit 0 = retrain, 99 = skip this task and the trigger, 2 = no summary of this day
    drifted = BashOperator(task_id="retrain_recommended", bash_command=GATE, skip_on_exit_code=99)
    trigger = TriggerDagRunOperator(
        task_id="trigger_retrain",
        trigger_dag_id="lakead_retrain",
        trigger_run_id="drift__{{ ds }}",
        logical_date="{{ macros.ds_add(ds, 1) }}",  # the retrain's ds: it trains on the days before, this one included
        skip_when_already_exists=True,
    )
    score >> [monitor, drift]
    drift >> drifted >> trigger

with DAG("lakead_retrain", schedule=CronTriggerTimetable("0 0 * * 0", timezone="UTC"),
         start_date=datetime(2026, 11, 1), catchup=False, max_active_runs=1, default_args=default_args,
         tags=["lakead"]) as retrain:
    # ds is the day the run is for (the trigger time: the timetable has no data interval): train on the days before
    train_range = "dt >= '{{ macros.ds_add(ds, -%d) }}' AND dt < '{{ ds }}'" % TRAINING_DAYS
    preprocess = lakead("preprocess", "preprocess", "--where", train_range)
    train = lakead("train", "train")
    promote = lakead("promote", "promote")
    preprocess >> train >> promote
