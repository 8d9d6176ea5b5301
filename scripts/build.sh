#!/usr/bin/env bash
# Configures and builds careflow. Usage: scripts/build.sh [release|sanitize] (default release).
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-release}"
jobs="$(nproc)"
case "$mode" in
  release)  dir=build;          args=(-DCMAKE_BUILD_TYPE=Release) ;;
  sanitize) dir=build-sanitize; args=(-DCMAKE_BUILD_TYPE=Debug -DCAREFLOW_SANITIZE=ON -DCAREFLOW_BUILD_BENCH=OFF) ;;
  *) echo "usage: $0 [release|sanitize]" >&2; exit 2 ;;
esac
# A compiler cache, when the machine has one, makes rebuilds in other checkouts nearly free.
command -v ccache >/dev/null && args+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B "$dir" -G Ninja "${args[@]}" >/dev/null
cmake --build "$dir" -j "$jobs"
