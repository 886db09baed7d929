#!/usr/bin/env bash
# The C tests of the kernels and of the pool: built for this machine and run;
# then cross-compiled for aarch64 (NEON) and run under qemu-aarch64-static.  Both builds also compile
# the whole core with -Werror.
#   tests/c/run.sh [CBLAS_INCLUDE_DIR]     (default: scipy-openblas32's, if installed)
# Needs cmake; the aarch64 half needs Debian's gcc-aarch64-linux-gnu and
# qemu-user-static (an absent tool fails the run: it is not skipped).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cblas="${1:-$(python3 -c 'import scipy_openblas32 as o; print(o.get_include_dir())' 2>/dev/null || true)}"
build="$(mktemp -d)"
trap 'rm -rf "$build"' EXIT

echo "+ native ($(uname -m))"
cmake -S "$here" -B "$build/native" -DPYNN_CBLAS_INCLUDE="$cblas" >/dev/null
cmake --build "$build/native" >/dev/null
"$build/native/test_kernels"
"$build/native/test_pool"

echo "+ aarch64, under qemu"
cmake -S "$here" -B "$build/aarch64" -DCMAKE_TOOLCHAIN_FILE="$here/aarch64.cmake" \
      -DPYNN_CBLAS_INCLUDE="$cblas" >/dev/null
cmake --build "$build/aarch64" >/dev/null
qemu-aarch64-static -L /usr/aarch64-linux-gnu "$build/aarch64/test_kernels"
qemu-aarch64-static -L /usr/aarch64-linux-gnu "$build/aarch64/test_pool"
