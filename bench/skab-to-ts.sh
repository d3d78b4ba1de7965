#!/usr/bin/env bash
# SKAB (entity,seq,datetime,8 sensors,anomaly,changepoint) -> the bench-ts format entity,seq,split,f0..f7,label on
# stdout; the first TRAIN_ROWS (default 400) rows of each experiment (by seq) are `train`, the rest `test`.
# Usage: bench/skab-to-ts.sh [skab.csv] > out.csv
set -euo pipefail
SRC="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/../shared/datasets/skab/skab.csv}"
awk -F, -v OFS=, -v train="${TRAIN_ROWS:-400}" '
  NR == 1 { print "entity,seq,split,f0,f1,f2,f3,f4,f5,f6,f7,label"; next }
  { print $1, $2, ($2 < train ? "train" : "test"), $4, $5, $6, $7, $8, $9, $10, $11, ($12 + 0 > 0 ? 1 : 0) }
' "$SRC"
