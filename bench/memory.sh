#!/usr/bin/env bash
# Issue 8, item 4: scoring a 10,000,000-row table (64 features) with a 1 GiB heap for the whole embedded Spark
# (driver and executor in one JVM), so memory must be bounded by the batch, not by the table. Prints the JVM's peak
# resident memory next to the scoring numbers.
# Usage: bench/memory.sh [rows]   (default 10,000,000)
# Last line: memory rows=<n> heap=1g peak_rss_mib=<n> score_rows_per_s=<n> floor_ratio=<score / io floor, same run>
# Batches: score.batch-size as the defaults set it (auto: sized by the row's width); pass --set to override, e.g.
# LAKEAD_MEMORY_SET="score.batch-size=4096" bench/memory.sh 1000000.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROWS="${1:-10000000}"
OUT="$ROOT/bench/output/memory"
mkdir -p "$OUT"
cd "$ROOT"
# 1 GiB heap and at most 1 GiB of ND4J off-heap buffers; 2 cores = 2 tasks scoring at once.
LAKEAD_JAVA_OPTS="-Xmx1g -Dorg.bytedeco.javacpp.maxbytes=1g" /usr/bin/time -v -o "$OUT/time.txt" \
  "$ROOT/scripts/lakead" bench-perf --rows "$ROWS" --shapes 64 --train-shape 0 --train-rows 50000 --no-pytorch \
  --workdir "$OUT/work" ${LAKEAD_MEMORY_SET:+--set "$LAKEAD_MEMORY_SET"} | tee "$OUT/run.log"
RSS_KB=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$OUT/time.txt")
RATE=$(grep -o 'score [0-9,]* rows/s' "$OUT/run.log" | tail -1 | tr -dc '0-9')
FLOOR=$(grep -o 'io floor [0-9,]* rows/s' "$OUT/run.log" | tail -1 | tr -dc '0-9')
WRITTEN=$(grep -o '([0-9,]* rows written)' "$OUT/run.log" | tail -1 | tr -dc '0-9')
echo "memory rows=$WRITTEN heap=1g peak_rss_mib=$((RSS_KB / 1024)) score_rows_per_s=$RATE floor_ratio=$(awk -v s="$RATE" -v f="$FLOOR" 'BEGIN {printf "%.2f", s / f}')"
