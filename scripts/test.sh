#!/usr/bin/env bash
# The whole test suite: installs dependencies, builds, runs every test in a release build and
# again under AddressSanitizer + UndefinedBehaviorSanitizer, then runs every parser's fuzz target
# for 30 s (fuzz/README.md). CAREFLOW_SKIP_SANITIZE=1 / CAREFLOW_SKIP_FUZZ=1 leave stages out.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh release
ctest --test-dir build --output-on-failure -j "$(nproc)"
if [[ "${CAREFLOW_SKIP_SANITIZE:-0}" != "1" ]]; then
  bash scripts/build.sh sanitize
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build-sanitize --output-on-failure -j "$(nproc)"
fi
if [[ "${CAREFLOW_SKIP_FUZZ:-0}" != "1" ]]; then
  bash scripts/build.sh fuzz
  fuzz/run.sh 30
fi
