#!/usr/bin/env bash
# Issue 8's performance run, everything side by side in one run on the same generated rows (embedded local Spark):
#   sgemm 1024^3 (ND4J, PyTorch, numpy); per shape (64 and 784 features, 1,000,000 rows each): scoring rows/s
#   (Parquet in -> Autoencoder -> Parquet out) against the I/O floor (Spark SQL reads every feature and writes
#   score-shaped Parquet, no network), the scorer's own floor (the score step with a one-unit network), the
#   compute bound (sgemm rate / FLOPs per row) and the chapter's PyTorch model on the same rows; training samples/s, final loss and share of the training bound (sgemm rate / 3 x forward FLOPs per
#   sample; 784 features): the train step with train.engine (default dense) on 1 and 2 workers and their ratio
#   (after one untimed warm-up run of it: the JIT; then runs on 1, 2, 2 and 1 workers, each count the mean of its
#   two, so that the machine's drift cancels), the other engine on 2 workers, single-JVM DL4J, the chapter's
#   PyTorch loop.
# Usage: bench/perf.sh [rows]   (needs Debian's python3-torch and python3-numpy for the PyTorch columns;
#                                installed here when missing and run as root)
# Last line: perf scoring_vs_bound=<r> scoring_vs_pytorch=<r> training_vs_pytorch=<r> training_vs_bound=<r>
#            sgemm_gflops=<x> scoring_vs_serial_bound=<r>   (serial bound: 1 / (1/scorer floor + 1/compute bound);
#            training: the faster of the train step's 1- and 2-worker runs; sgemm: the faster of its measurements at
#            the start and, the JVM warm, after the trainers)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROWS="${1:-1000000}"
if ! /usr/bin/python3 -c 'import torch, numpy' 2>/dev/null && [[ $(id -u) == 0 ]]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-torch python3-numpy >/dev/null
fi
cd "$ROOT"
# The bench's own JVM: 12 GiB heap for the single-JVM trainer's copy of the rows; scratch under bench/output.
LAKEAD_JAVA_OPTS="${LAKEAD_JAVA_OPTS:--Xmx12g}" "$ROOT/scripts/lakead" bench-perf --rows "$ROWS" \
  --workdir "$ROOT/bench/output/perf" "${@:2}"
