#!/usr/bin/env bash
# What the quality tests assert, measured in one run on an embedded local Spark: each model family (autoencoder,
# VAE, AnoGAN, LSTM-AE) trained with its test's settings on the hard synthetic data (non-linear sensors with 1-sigma
# anomalies that break a relation, not a level; machine series that freeze), its ROC-AUC against the strongest linear
# baseline on the same rows (PCA reconstruction error with every k, and the z-score, computed in the run); a better
# challenger promoted over a barely trained champion; the families whose real-time scores equal the batch scores.
# Usage: bench/testcheck.sh [extra bench-testcheck options, e.g. --families autoencoder,vae --set key=value]
# Last line: tests hard_lake_auc_margin=<min over families of model AUC - baseline AUC> promote_better=ok
#            realtime_families=<n>
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$ROOT/bench/output/testcheck"
rm -rf "$WORK"
"$ROOT/scripts/lakead" bench-testcheck --workdir "$WORK" "$@"
