#!/usr/bin/env bash
# Any multivariate time-series benchmark through preprocess -> train -> score -> evaluate with the per-entity LSTM
# Autoencoder and the default settings (conf/lakead-defaults.conf), on an embedded local Spark.
# FILE: a CSV with the header entity,seq,split,f0..fn,label (split = train | test; label 1 = anomaly).
# Usage: bench/ts.sh FILE [--set key=value ...]
#        bench/ts.sh --skab [skab.csv]   converts SKAB (first 400 rows per experiment = train) to
#                                       bench/output/skab-ts.csv, then runs it
# Last line: ts f1=<x> pa_f1=<y> roc_auc=<z>   (point-wise F1, point-adjusted F1, ROC-AUC of the normalised score)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ "${1:-}" == "--skab" ]]; then
  SRC="${2:-$ROOT/../shared/datasets/skab/skab.csv}"
  shift $(( $# >= 2 ? 2 : 1 ))
  mkdir -p "$ROOT/bench/output"
  FILE="$ROOT/bench/output/skab-ts.csv"
  "$ROOT/bench/skab-to-ts.sh" "$SRC" > "$FILE"
else
  FILE="$(cd "$(dirname "${1:?usage: bench/ts.sh FILE [--set key=value ...]}")" && pwd)/$(basename "$1")"
  shift
fi
"$ROOT/scripts/lakead" bench-ts "$FILE" --workdir "$ROOT/bench/output/ts" "$@"
