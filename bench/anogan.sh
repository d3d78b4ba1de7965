#!/usr/bin/env bash
# AnoGAN's two score modes on the same data in one run (embedded local Spark): the demo's synthetic sensor lake,
# AnoGAN trained on the first 3 days' normal records (GAN + encoder through our parameter-averaging rounds), the
# last 3 days scored by the latent search (AnoGAN, 4.3.3) and by the encoder (Fast-AnoGAN) from the same cached rows.
# Prints rows/s and ROC-AUC / PR-AUC of both.
# Usage: bench/anogan.sh [rows-per-day] [extra bench-anogan options, e.g. --sweep 50,100,200 --set key=value;
#        --reuse measures again with the lake and bundle of the previous run]
#        (default 5,000 rows per day x 6 days)
# Last line: anogan speedup=<encoder rows/s / search rows/s> auc_search=<x> auc_encoder=<y>
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROWS="${1:-5000}"
shift || true
WORK="$ROOT/bench/output/anogan"
# One native (OpenMP) thread per Spark task: local[*] already runs one task per core, and ND4J's default of one
# thread per core in every task oversubscribes the cores (both modes run faster, the encoder most). Override by
# setting OMP_NUM_THREADS yourself.
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
[[ " $* " == *" --reuse "* ]] || rm -rf "$WORK"
"$ROOT/scripts/lakead" bench-anogan --rows-per-day "$ROWS" --workdir "$WORK" "$@"
