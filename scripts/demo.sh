#!/usr/bin/env bash
# The main job on synthetic data: install, build, generate a council's returns, ingest them and
# print the summary (later stages add the report and forecast).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh release
./build/careflow demo --out demo-output
