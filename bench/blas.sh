#!/usr/bin/env bash
# Issue 8, item 3: where ND4J's sgemm speed goes, and what a setting can change. One JVM per setting, each printing
# the loaded BLAS library, sgemm 1024^3 GFLOP/s into a preallocated f-order array (the BLAS's own speed) and through
# INDArray.mmul (allocating a c-order result), at 1 thread and at every core, and the largest relative error against
# a double-precision product (a kernel must be fast *and* right). PyTorch and numpy on the same cores for reference.
#   bundled  = OpenBLAS 0.3.19 inside nd4j-native (the default)
#   system   = Debian's libopenblas0 (0.3.21) through JavaCPP: -Dorg.bytedeco.openblas.load=openblas
# Each with OPENBLAS_CORETYPE as this machine sets it, and unset (the library picks the kernel for this CPU).
# Usage: bench/blas.sh     Last line: blas best_gflops=<x> bundled_gflops=<x> pytorch_gflops=<x>
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
[[ -n "${LAKEAD_NO_BUILD:-}" ]] || "$ROOT/scripts/lakead" --help >/dev/null
export LAKEAD_NO_BUILD=1
CORETYPE="${OPENBLAS_CORETYPE:-}"
run() { # label, env prefix..., -- java opts
  local label="$1"; shift
  env "$@" "$ROOT/scripts/lakead" bench-blas --label "$label" 2>/dev/null | grep '^blas '
}
OUT=$(mktemp)
{
  run "bundled,coretype=${CORETYPE:-unset}" LAKEAD_JAVA_OPTS="-Xmx2g"
  run "bundled,coretype=unset" -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE LAKEAD_JAVA_OPTS="-Xmx2g"
  if [[ -e /usr/lib/x86_64-linux-gnu/libopenblas.so.0 ]]; then
    run "system,coretype=${CORETYPE:-unset}" LAKEAD_JAVA_OPTS="-Xmx2g -Dorg.bytedeco.openblas.load=openblas"
    run "system,coretype=unset" -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE \
      LAKEAD_JAVA_OPTS="-Xmx2g -Dorg.bytedeco.openblas.load=openblas"
  else
    echo "(Debian's libopenblas0 not installed: apt-get install libopenblas0-pthread for the system rows)" >&2
  fi
} | tee "$OUT"
TORCH=""
if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  TORCH=$(/usr/bin/python3 bench/pytorch_autoencoder.py sgemm --size 1024 | sed 's/.*"torch_gflops": \([0-9.]*\).*/\1/')
  echo "pytorch coretype=${CORETYPE:-unset} torch_gflops=$TORCH"
fi
BEST=$(grep -o 'gemm_gflops=[0-9.]*' "$OUT" | cut -d= -f2 | sort -g | tail -1)
BUNDLED=$(grep "label=bundled,coretype=${CORETYPE:-unset} threads=$(nproc)" "$OUT" | grep -o 'gemm_gflops=[0-9.]*' | cut -d= -f2)
echo "blas best_gflops=$BEST bundled_gflops=$BUNDLED pytorch_gflops=${TORCH:-n/a}"
rm -f "$OUT"
