#!/usr/bin/env bash
# The pipeline on a Spark standalone cluster on this machine, as on a production cluster: scripts/local-cluster.sh
# starts a Master, three 1-core Workers and a one-node HDFS (separate JVMs, loopback, from the project's Maven
# jars); the demo (generate → preprocess → train with parameter averaging → score → evaluate) is submitted through
# spark-submit of the shaded jar in cluster deploy mode (the driver runs on a Worker), with its settings file and
# every path on HDFS; the cluster is stopped at the end, also on failure. Last line:
#   cluster executors=<n> rows=<n> duplicates=<n> auc=<x> deploy_mode=cluster hdfs=yes
#
#   bench/cluster.sh [rows-per-day] [epochs]      (defaults 2000, 3; 4 days, trained on the first 2)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROWS="${1:-2000}"
EPOCHS="${2:-3}"
WORK="${BENCH_DIR:-$ROOT/bench/out/cluster}"
export LAKEAD_CLUSTER_DIR="$WORK/cluster" LAKEAD_CLUSTER_WORKERS=3 LAKEAD_CLUSTER_HDFS=1
CLUSTER="$ROOT/scripts/local-cluster.sh"

[[ -f "$ROOT/jobs/target/classpath.txt" && -f "$ROOT/jobs/target/hdfs-classpath.txt" ]] \
  && compgen -G "$ROOT/jobs/target/lakead-jobs-*-shaded.jar" >/dev/null || (cd "$ROOT" && mvn -B -q -DskipTests package)
rm -rf "$WORK"; mkdir -p "$WORK/events"

trap '"$CLUSTER" stop >/dev/null 2>&1 || true' EXIT
"$CLUSTER" start
eval "$("$CLUSTER" env)"
ui="http://127.0.0.1:${LAKEAD_CLUSTER_UI_PORT:-8080}/json/"

# the settings file lives on HDFS only: the driver, wherever it runs, reads it through its URI
printf 'lakead { train.epochs = %s, catalog.type = in-memory }\n' "$EPOCHS" > "$WORK/cluster-demo.conf"
"$CLUSTER" hdfs -mkdir -p /lakead/conf 2>/dev/null
"$CLUSTER" hdfs -put -f "$WORK/cluster-demo.conf" /lakead/conf/cluster-demo.conf 2>/dev/null

export LAKEAD_NO_BUILD=1
export LAKEAD_SUBMIT_ARGS="--deploy-mode cluster --driver-memory 1g --conf spark.executor.memory=1g \
--conf spark.cores.max=2 --conf spark.eventLog.enabled=true --conf spark.eventLog.dir=file://$WORK/events"
start=$(date +%s)
"$ROOT/scripts/lakead" demo --master "$LAKEAD_MASTER" --config "$LAKEAD_HDFS/lakead/conf/cluster-demo.conf" \
  --workdir "$LAKEAD_HDFS/lakead/demo" --rows-per-day "$ROWS" --days 4 --train-days 2

# standalone spark-submit returns once the driver is accepted: follow it in the Master's JSON
state=""
for _ in $(seq 1 900); do
  state="$(curl -fsS --max-time 2 "$ui" | python3 -c 'import json,sys
d = json.load(sys.stdin)
print(" ".join(x["state"] for x in d.get("activedrivers", []) + d.get("completeddrivers", [])))' || true)"
  case "$state" in *FINISHED*|*FAILED*|*ERROR*|*KILLED*) break ;; esac
  sleep 1
done
driver_dir="$(compgen -G "$LAKEAD_CLUSTER_DIR/work-*/driver-*" | head -n 1)"
cat "$driver_dir/stdout" | tee "$WORK/demo.out"
echo "cluster run: $(( $(date +%s) - start )) s, driver $(basename "$driver_dir") $state"
[[ "$state" == FINISHED ]] || { tail -n 40 "$driver_dir/stderr" >&2; exit 1; }

log="$(compgen -G "$WORK/events/app-*" | head -n 1)"
executors="$(grep -o '"Event":"SparkListenerExecutorAdded"[^}]*"Executor ID":"[^"]*"' "$log" \
  | sed 's/.*"Executor ID":"//; s/"$//' | sort -u | wc -l)"
auc="$(sed -n 's/^ROC-AUC: *//p' "$WORK/demo.out" | head -n 1)"

# every record scored exactly once (counted by a local Spark over the score table on HDFS)
"$ROOT/scripts/lakead" sql --set catalog.type=in-memory \
  "SELECT count(*) AS rows, count(*) - count(DISTINCT record_id) AS duplicates \
   FROM parquet.\`$LAKEAD_HDFS/lakead/demo/warehouse/anomaly_scores\`" | tee "$WORK/count.out"
read -r rows duplicates < <(grep -E '^\|[ ]*[0-9]' "$WORK/count.out" | tr '|' ' ' | head -n 1)

"$CLUSTER" stop
trap - EXIT
echo "cluster executors=$executors rows=$rows duplicates=$duplicates auc=$auc deploy_mode=cluster hdfs=yes"
