#!/usr/bin/env bash
# Scoring and training throughput on generated data, measured in one run (embedded local Spark):
#   scoring rows/s (Parquet in -> Autoencoder -> Parquet out), the Parquet read -> write floor of the same table,
#   their ratio, and training samples/s through the parameter-averaging training master.
# Usage: bench/scoring.sh [rows]   (default 1,000,000 rows x 64 sensor features)
# Last line: scoring rows_per_s=<n> io_floor_rows_per_s=<n> ratio=<r> train_samples_per_s=<n>
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROWS="${1:-1000000}"
WORK="$ROOT/bench/output/scoring"
rm -rf "$WORK"
"$ROOT/scripts/lakead" bench-scoring --rows "$ROWS" --workdir "$WORK" \
  --set score.batch-size=4096 --set train.batch-size-per-worker=256 --set train.averaging-frequency=10
