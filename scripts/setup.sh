#!/usr/bin/env bash
# Installs what tfjs-em's tests, demo and benchmarks need on a fresh Debian machine:
# Debian's h5py/numpy/scikit-learn (cross-checks and Python anchors), PyTorch (a benchmark
# anchor), Chromium (browser suites), Mesa 25's lavapipe from bookworm-backports (WebGPU
# through Dawn without a GPU), then the npm packages from package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

# Runs a command silently, printing its output only if it fails.
quiet() {
  local log status=0
  log=$(mktemp)
  "$@" >"$log" 2>&1 || status=$?
  [ $status = 0 ] || cat "$log" >&2
  rm -f "$log"
  return $status
}

apt_packages=(python3-h5py python3-numpy python3-scipy python3-sklearn python3-torch chromium redis-server openssl)
missing=()
for p in "${apt_packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  if [ ${#missing[@]} -gt 0 ]; then
    quiet apt-get update
    quiet apt-get install -y --no-install-recommends "${missing[@]}"
  fi
elif [ ${#missing[@]} -gt 0 ]; then
  echo "setup: please install with apt: ${missing[*]}" >&2
fi

# The mirror of the machine's own apt source for the bookworm suite (deb822 or one-line
# format), so that backports come from where the rest of Debian comes from.
bookworm_mirror() {
  local f
  {
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && awk '/^URIs:/{u=$2} /^Suites:/{for(i=2;i<=NF;i++) if($i=="bookworm") s=1} /^$/{if(u&&s){print u; exit}; u=""; s=0} END{if(u&&s) print u}' "$f"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] && awk '$1=="deb" {for(i=2;i<=NF;i++) if($i ~ /^[a-z]+:\/\//) {if($(i+1)=="bookworm") print $i; break}}' "$f"
  done
  } | head -n 1
}

# Lavapipe (Vulkan on the CPU) for Dawn: bookworm's Mesa 22 adapter is refused,
# so take Mesa 25 from bookworm-backports on the machine's own Debian mirror.
mesa_version=$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null || true)
if dpkg --compare-versions "${mesa_version:-0}" ge 25; then
  :
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null && grep -qs bookworm /etc/os-release; then
  uri=$(bookworm_mirror || true)
  if [ -z "$uri" ]; then
    echo "setup: no apt source for Debian bookworm is configured, so bookworm-backports (Mesa 25 lavapipe) cannot be added" >&2
  else
    echo "deb $uri bookworm-backports main" > /etc/apt/sources.list.d/backports.list
    quiet apt-get update
    quiet apt-get install -y --no-install-recommends -t bookworm-backports mesa-vulkan-drivers
  fi
else
  echo "setup: WebGPU in Node needs Mesa >= 25 lavapipe (mesa-vulkan-drivers) or a GPU Vulkan driver" >&2
fi

npm ci --no-audit --no-fund
