#!/usr/bin/env bash
# The SQL functions against the score job on the same generated table and bundle (embedded local Spark):
#   the score job, lakead_score (table-valued) and lakead_anomaly_score (scalar, one row per call), rows/s each.
# Usage: bench/sql.sh [rows]   (default 500,000 rows x 64 sensor features; the scalar form scores 100,000 of them)
# Last line: sql tvf_rows_per_s=<n> job_rows_per_s=<n> ratio=<r> scalar_rows_per_s=<n>
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROWS="${1:-500000}"
WORK="$ROOT/bench/output/sql"
rm -rf "$WORK"
"$ROOT/scripts/lakead" bench-sql --rows "$ROWS" --workdir "$WORK" \
  --set score.batch-size=4096 --set train.epochs=1 --set train.batch-size-per-worker=256 \
  --set train.averaging-frequency=10
