#!/usr/bin/env bash
# Installs careflow's build and test dependencies from Debian 12 packages. Idempotent: packages
# already present are left alone, and apt is only asked when something is missing.
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config git
  libcli11-dev libfmt-dev nlohmann-json3-dev libpugixml-dev libxlsxwriter-dev
  libtbb-dev libeigen3-dev libgsl-dev zlib1g-dev libdeflate-dev libtomlplusplus-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # The fuzz stage (fuzz/README.md): clang, libFuzzer and the sanitizer runtimes (not pulled in
  # by clang without recommends), and llvm-symbolizer for stack traces with file and line.
  clang libclang-rt-14-dev llvm-14
)
# Optional extras: headless Chromium renders the HTML report in tests (skipped when absent),
# poppler-utils turns rendered PDFs into PNGs for inspection.
if [[ "${CAREFLOW_WITH_BROWSER:-0}" == "1" ]]; then
  packages+=(chromium poppler-utils)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "careflow: installing ${missing[*]}"
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
