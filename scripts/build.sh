#!/usr/bin/env bash
# Configures and builds careflow. Usage: scripts/build.sh [release|sanitize|fuzz] (default release).
# fuzz: the library and the libFuzzer targets only (clang, ASan + UBSan; see fuzz/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-release}"
jobs="$(nproc)"
targets=()
case "$mode" in
  release)  dir=build;          args=(-DCMAKE_BUILD_TYPE=Release) ;;
  sanitize) dir=build-sanitize; args=(-DCMAKE_BUILD_TYPE=Debug -DCAREFLOW_SANITIZE=ON -DCAREFLOW_BUILD_BENCH=OFF) ;;
  # -O1 with line tables, as fuzzing builds usually are: a third of -O2 -g's build time under
  # the sanitizers, and stack traces still name lines.
  fuzz)     dir=build-fuzz;     targets=(--target fuzzers)
            args=(-DCMAKE_CXX_COMPILER=clang++ -DCAREFLOW_FUZZ=ON -DCAREFLOW_BUILD_TESTS=OFF -DCAREFLOW_BUILD_BENCH=OFF
                  -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only") ;;
  *) echo "usage: $0 [release|sanitize|fuzz]" >&2; exit 2 ;;
esac
# A compiler cache, when the machine has one, makes rebuilds in other checkouts nearly free.
command -v ccache >/dev/null && args+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B "$dir" -G Ninja "${args[@]}" >/dev/null
cmake --build "$dir" -j "$jobs" "${targets[@]}"
