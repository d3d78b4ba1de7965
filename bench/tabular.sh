#!/usr/bin/env bash
# Quality on the six labelled tabular anomaly sets, Autoencoder and VAE side by side, next to the chapter's
# PyTorch numbers and IsolationForest (protocol: shared/datasets/README.md; embedded local Spark).
# Usage: bench/tabular.sh [datasets-dir]   (default ../shared/datasets/tabular)
# Last line: tabular mean_roc_auc ae=<x> vae=<y>
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="$(cd "${1:-$ROOT/../shared/datasets/tabular}" && pwd)"
"$ROOT/scripts/lakead" bench-tabular --data-dir "$DATA" --workdir "$ROOT/bench/output/tabular" \
  --set train.epochs=40 --set train.batch-size-per-worker=64 --set train.averaging-frequency=5 \
  --set train.holdout-fraction=0.1 --set train.early-stopping-patience=6
