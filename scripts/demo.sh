#!/usr/bin/env bash
# The main job on synthetic data: install, build, generate ten years of a council's returns,
# read them, and write the needs-assessment report with its forecast (path printed last).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh release
./build/careflow demo --out demo-output
