#!/usr/bin/env bash
# The LSTM Autoencoder on SKAB (per-experiment models, protocol of shared/datasets/README.md) on an embedded
# local Spark, next to the published leaderboard.
# Usage: bench/skab.sh [skab-dir [--set key=value ...]]   (default ../shared/datasets/skab)
# The online threshold (threshold.adaptive.*) keeps its default geometric level; its half-life, 500 records, was
# chosen on SKAB for this bench's higher base threshold (1.5 x q99; the default of 300 suits q95).
# Last line: skab f1=<x> far=<y> mar=<z> point_adjusted_f1=<w> entity_parallelism=<p>   (FAR and MAR in %;
#   p = the per-experiment trainings' summed time / their wall time, nan with --model-path)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="$(cd "${1:-$ROOT/../shared/datasets/skab}" && pwd)"
shift || true
"$ROOT/scripts/lakead" bench-skab --data-dir "$DATA" --workdir "$ROOT/bench/output/skab" \
  --set timeseries.window=10 --set model.lstm.hidden-size=32 --set model.lstm.layers=1 \
  --set model.lstm.latent-size=16 --set model.learning-rate=0.005 --set train.epochs=30 \
  --set train.batch-size-per-worker=32 --set threshold.percentile=0.99 --set threshold.scale=1.5 \
  --set threshold.adaptive.half-life=500 "$@"
