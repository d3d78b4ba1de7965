#!/usr/bin/env bash
# AnoGAN on the six labelled tabular anomaly sets, both score modes (latent search and encoder) of each trained
# bundle, next to the chapter's PyTorch AE/VAE numbers and IsolationForest (protocol: shared/datasets/README.md;
# the same runner as bench/tabular.sh, embedded local Spark).
# Usage: bench/anogan-tabular.sh [datasets-dir]   (default ../shared/datasets/tabular)
# Prints "mean roc_auc: anogan_search=<x> anogan_encoder=<y>"; last line: bench/tabular.sh's summary line.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="$(cd "${1:-$ROOT/../shared/datasets/tabular}" && pwd)"
shift || true
"$ROOT/scripts/lakead" bench-tabular --data-dir "$DATA" --workdir "$ROOT/bench/output/anogan-tabular" \
  --models anogan --set train.epochs=40 --set train.batch-size-per-worker=64 --set train.averaging-frequency=10 \
  --set train.holdout-fraction=0.1 --set train.early-stopping-patience=6 "$@"
