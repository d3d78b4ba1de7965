#!/usr/bin/env bash
# Quality on labelled tabular anomaly sets: every model type (autoencoder, vae, anogan in both score modes,
# ensemble) with the default settings only, per set ROC-AUC / PR-AUC / F1, next to the published chapter and
# IsolationForest figures (references, not measured here). Protocol: shared/datasets/README.md; embedded local Spark.
# Usage: bench/tabular.sh [datasets-dir] [name,name,...]
#   datasets-dir  a folder of CSV files <name>.csv with columns id,f0..fN,label (default ../shared/datasets/tabular)
#   names         which sets (default cardio,thyroid,satellite,shuttle,pendigits,mammography)
# Extra arguments go to the job (e.g. --models ensemble). Last line:
#   tabular mean_roc_auc ae=<x> vae=<y> best=<z> best_model=<name>
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="$(cd "${1:-$ROOT/../shared/datasets/tabular}" && pwd)"
NAMES="${2:-cardio,thyroid,satellite,shuttle,pendigits,mammography}"
shift $(( $# < 2 ? $# : 2 ))
"$ROOT/scripts/lakead" bench-tabular --data-dir "$DATA" --datasets "$NAMES" --workdir "$ROOT/bench/output/tabular" "$@"
