#!/usr/bin/env bash
# Operations check against the demo's outputs: the monitor with a loopback webhook receiver (run twice: the second
# run must send nothing), every documented SQL query, the drift job, the real-time scorer's latency, and the
# analyst notebook (when jupyter's nbconvert is installed).
# Usage: bench/ops.sh [workdir]   (default bench/output/ops; the demo is run there first)
# Last line: ops alerts_sent=<n> duplicate_alerts=<n> sql_queries_ok=<k>/<total> drift_rows=<n> realtime_p50_us=<x>
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
W="$(mkdir -p "${1:-$ROOT/bench/output/ops}" && cd "${1:-$ROOT/bench/output/ops}" && pwd)"
L="$ROOT/scripts/lakead"
rm -rf "$W"/*

echo "== demo (training, scoring, catalog) in $W/demo" >&2
"$L" demo --workdir "$W/demo" > "$W/demo.log"
D="$W/demo"
BUNDLE="$D/models/sensor-autoencoder/v1"

echo "== monitor with a loopback webhook receiver" >&2
python3 "$ROOT/bench/webhook_receiver.py" "$W/port" "$W/received.jsonl" &
RECEIVER=$!
trap 'kill $RECEIVER 2>/dev/null || true' EXIT
for _ in $(seq 50); do [[ -s "$W/port" ]] && break; sleep 0.1; done
export LAKEAD_OPS_WEBHOOK="http://127.0.0.1:$(cat "$W/port")/alerts"
cat > "$W/monitor.conf" <<CONF
lakead {
  score { output-path = "$D/warehouse/anomaly_scores", key-columns = ["record_id", "device_id"] }
  monitor {
    log-path = "$W/monitor/anomaly-log"
    state-dir = "$W/monitor/state"
    dedup { key-columns = ["device_id"], window = 1h, time-column = "" }
    sinks = [ { name = "ops-hook", type = "webhook", url = "env:LAKEAD_OPS_WEBHOOK" } ]
  }
}
CONF
"$L" monitor --config "$W/monitor.conf" --no-new-only --where "dt >= '2026-11-04'" --set catalog.type=in-memory | tee "$W/monitor1.log" >&2
"$L" monitor --config "$W/monitor.conf" --no-new-only --where "dt >= '2026-11-04'" --set catalog.type=in-memory | tee "$W/monitor2.log" >&2
touch "$W/received.jsonl"
SENT=$(wc -l < "$W/received.jsonl")
DUPS=$(python3 -c "
import json, collections, sys
keys = [json.loads(l)['idempotency_key'] for l in open(sys.argv[1])]
print(sum(c - 1 for c in collections.Counter(keys).values()))" "$W/received.jsonl")

echo "== documented SQL queries (notebooks/queries.sql)" >&2
TOTAL=$(grep -c -- '-- name:' "$ROOT/notebooks/queries.sql")
"$L" sql --set catalog.dir="$D/metastore" -f "$ROOT/notebooks/queries.sql" --format csv --output "$W/sql" >&2 || true
# a query counts when it returned rows: an empty result still writes a part file with only its header line
OK=0
for q in "$W"/sql/*/; do
  [ -d "$q" ] || continue
  ROWS=0
  for f in "$q"part-*.csv; do
    [ -f "$f" ] || continue
    N=$(wc -l < "$f")
    [ "$N" -gt 1 ] && ROWS=$((ROWS + N - 1))
  done
  echo "  query $(basename "$q"): $ROWS rows" >&2
  [ "$ROWS" -gt 0 ] && OK=$((OK + 1))
done

echo "== drift: the last three days against the training days" >&2
"$L" drift --model "$BUNDLE" --input "$D/lake/sensor_readings" --where "dt >= '2026-11-04'" \
  --reference-where "dt < '2026-11-04'" --output "$W/drift" --set drift.table-name= \
  --set drift.summary-path="$W/drift-summary.json" --set score.output-path="$D/warehouse/anomaly_scores" \
  --set catalog.type=in-memory | tee "$W/drift.log" >&2
DRIFT_ROWS=$(sed -n 's/^drift_table: .* (\([0-9]*\) rows)$/\1/p' "$W/drift.log")

echo "== real-time scorer" >&2
"$L" bench-realtime --model "$BUNDLE" --input "$D/lake/sensor_readings" --set catalog.type=in-memory \
  | tee "$W/realtime.log" >&2
P50=$(sed -n 's/^realtime p50_us=\([0-9.]*\) .*/\1/p' "$W/realtime.log")

NB="skipped (no nbconvert: apt-get install jupyter-notebook python3-nbconvert python3-pandas python3-matplotlib)"
for PY in /usr/bin/python3 python3; do
  if "$PY" -c "import nbconvert, pandas, matplotlib" 2>/dev/null; then
    echo "== notebook (headless)" >&2
    (cd "$ROOT/notebooks" && LAKEAD_CATALOG_DIR="$D/metastore" LAKEAD_FIGURES="$W" "$PY" -m nbconvert --to notebook \
      --execute anomaly_scores.ipynb --output "$W/anomaly_scores.out.ipynb" --ExecutePreprocessor.timeout=600 >&2) \
      && NB="executed: $W/anomaly_scores.out.ipynb, figures $W/anomaly_rate_trend.png $W/score_distribution_per_day.png" \
      || NB="FAILED"
    break
  fi
done

echo
printf '%-28s %s\n' "alerts delivered (2 runs)" "$SENT (duplicates $DUPS)"
printf '%-28s %s\n' "documented SQL queries" "$OK of $TOTAL returned results"
printf '%-28s %s\n' "drift rows" "$DRIFT_ROWS ($(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print('retrain recommended' if d['retrain_recommended'] else 'no retraining needed')" "$W/drift-summary.json"))"
printf '%-28s %s\n' "real-time p50 per record" "$P50 us"
printf '%-28s %s\n' "notebook" "$NB"
echo "ops alerts_sent=$SENT duplicate_alerts=$DUPS sql_queries_ok=$OK/$TOTAL drift_rows=$DRIFT_ROWS realtime_p50_us=$P50"
