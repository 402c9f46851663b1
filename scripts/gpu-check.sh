#!/bin/bash
# Builds the harness against the CUDA LibTorch of a pip PyTorch and records what only a GPU shows:
# the latency and memory-scaling sweeps at scale=paper, GD vs PatchGD under real CUDA caps
# (results/reference/cuda-caps.yaml), both methods at the largest batch a 16 GB cap allows
# (results/reference/cuda-16gb.yaml), the tables made from them, and the test suites on that build.
#
#   scripts/gpu-check.sh [OUT_DIR]          (default: results/reference/gpu-<date>)
#
# Needs: python3 with torch (CUDA), cmake, ninja, g++, and this project's other dependencies
# (scripts/install-deps.sh lists them). On a machine where they cannot be installed, unpack the
# Debian packages into a folder and name it: DEPS_PREFIX=/opt/deps (it must hold usr/...); the
# machine's own copy of any library is preferred to the unpacked one.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-results/reference/gpu-$(date +%Y-%m-%d)}
mkdir -p "$OUT"
TORCH_PREFIX=$(python3 -c 'import torch; assert torch.cuda.is_available(), "torch sees no CUDA device"; print(torch.utils.cmake_prefix_path)')
PREFIX="$TORCH_PREFIX"
LINKER_FLAGS=""
if [ -n "${DEPS_PREFIX:-}" ]; then
  ldconfig -p > /tmp/pgd-ldcache
  for dir in "$DEPS_PREFIX"/usr/lib/x86_64-linux-gnu "$DEPS_PREFIX"/lib/x86_64-linux-gnu; do
    for f in "$dir"/*.so.*; do
      [ -e "$f" ] || continue
      sys=$(awk -v n="$(basename "$f")" '$1==n {print $NF; exit}' /tmp/pgd-ldcache)
      if [ -n "$sys" ]; then ln -sf "$sys" "$f"; fi
    done
  done
  export LD_LIBRARY_PATH="$DEPS_PREFIX/usr/lib/x86_64-linux-gnu:$DEPS_PREFIX/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  PREFIX="$TORCH_PREFIX;$DEPS_PREFIX/usr"
  LINKER_FLAGS="-Wl,-rpath-link,$DEPS_PREFIX/usr/lib/x86_64-linux-gnu:$DEPS_PREFIX/lib/x86_64-linux-gnu"
fi
# Newer LibTorch 2.x headers refuse C++17.
STD=17
if grep -rqs "C++20 or later compatible compiler is required" "$TORCH_PREFIX/../../include/c10"; then STD=20; fi

cmake -S . -B build-cuda -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_STANDARD=$STD \
  -DCMAKE_PREFIX_PATH="$PREFIX" -DCMAKE_EXE_LINKER_FLAGS="$LINKER_FLAGS" | grep "patchgd:"
cmake --build build-cuda -j "$(nproc)"

P=build-cuda/harness/cli/patchgd
DB="$OUT/gpu.db"
THREADS="threads=$(nproc)"
$P sweep experiments/sweeps/latency.yaml scale=paper "$THREADS" --db "$DB" --checkpoint-dir none
$P sweep results/reference/cuda-caps.yaml "$THREADS" --db "$DB" --checkpoint-dir none || true  # OOM cells are results
$P sweep results/reference/cuda-16gb.yaml "$THREADS" --db "$DB" --checkpoint-dir none || true
$P sweep experiments/sweeps/memory-scaling.yaml scale=paper "$THREADS" --db "$DB" --checkpoint-dir none
$P tables --db "$DB" --scale paper --format md,csv --out "$OUT/tables"
ctest --test-dir build-cuda -j "$(nproc)" --timeout 300 | tail -20
echo "results: $DB, tables: $OUT/tables"
