#!/usr/bin/env bash
# The pipeline on a Spark standalone cluster on this machine: scripts/local-cluster.sh starts a Master and two
# 1-core Workers (separate JVMs, loopback, from the project's Maven jars); the demo (generate → preprocess →
# train with parameter averaging → score → evaluate) runs through spark-submit of the shaded jar; the cluster
# is stopped at the end, also on failure. Last line:
#   cluster executors=<n> rows=<n> duplicates=<n> auc=<x>
#
#   bench/cluster.sh [rows-per-day] [epochs]      (defaults 2000, 3; 4 days, trained on the first 2)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROWS="${1:-2000}"
EPOCHS="${2:-3}"
WORK="${BENCH_DIR:-$ROOT/bench/out/cluster}"
export LAKEAD_CLUSTER_DIR="$WORK/cluster"

[[ -f "$ROOT/jobs/target/classpath.txt" ]] && ls "$ROOT"/jobs/target/lakead-jobs-*-shaded.jar >/dev/null 2>&1 || \
  (cd "$ROOT" && mvn -B -q -DskipTests package)
rm -rf "$WORK"; mkdir -p "$WORK/events"

trap '"$ROOT/scripts/local-cluster.sh" stop >/dev/null 2>&1 || true' EXIT
"$ROOT/scripts/local-cluster.sh" start
eval "$("$ROOT/scripts/local-cluster.sh" env)"

export LAKEAD_NO_BUILD=1
export LAKEAD_SUBMIT_ARGS="--driver-memory 1g --conf spark.executor.memory=1g --conf spark.cores.max=2 \
--conf spark.eventLog.enabled=true --conf spark.eventLog.dir=file://$WORK/events"
start=$(date +%s)
"$ROOT/scripts/lakead" demo --master "$LAKEAD_MASTER" --workdir "$WORK/demo" --rows-per-day "$ROWS" \
  --days 4 --train-days 2 --set train.epochs="$EPOCHS" --set catalog.type=in-memory | tee "$WORK/demo.out"
echo "cluster run: $(( $(date +%s) - start )) s"

log="$(ls "$WORK"/events/app-* | head -n 1)"
executors="$(grep -o '"Event":"SparkListenerExecutorAdded"[^}]*"Executor ID":"[^"]*"' "$log" \
  | sed 's/.*"Executor ID":"//; s/"$//' | sort -u | wc -l)"
auc="$(sed -n 's/^ROC-AUC: *//p' "$WORK/demo.out" | head -n 1)"

# every record scored exactly once (counted by a local Spark over the score table)
"$ROOT/scripts/lakead" sql --set catalog.type=in-memory \
  "SELECT count(*) AS rows, count(*) - count(DISTINCT record_id) AS duplicates \
   FROM parquet.\`$WORK/demo/warehouse/anomaly_scores\`" | tee "$WORK/count.out"
read -r rows duplicates < <(grep -E '^\|[ ]*[0-9]' "$WORK/count.out" | tr '|' ' ' | head -n 1)

"$ROOT/scripts/local-cluster.sh" stop
trap - EXIT
echo "cluster executors=$executors rows=$rows duplicates=$duplicates auc=$auc"
