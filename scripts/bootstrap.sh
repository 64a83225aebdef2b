#!/usr/bin/env bash
# Shared set-up for ./faultline and ./run-tests: install what is missing from Debian's packages,
# configure once, build. Idempotent: a second call checks the packages, finds the build up to date,
# and returns in a second or two.
#
# Usage: scripts/bootstrap.sh [BUILD_DIR [extra cmake arguments...]]
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${1:-"$root/build"}
shift || true

# Debian 12 packages the build and the tests need.
packages=(
  build-essential cmake ninja-build pkg-config
  libprotobuf-dev protobuf-compiler
  libboost-dev
  libfmt-dev libcli11-dev nlohmann-json3-dev librandom123-dev libxxhash-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # Reports with charts (HTML, PDF) and the desktop app; fonts for headless text; poppler's
  # pdfinfo and pdftotext check the PDFs in the tests.
  qt6-base-dev libqcustomplot-dev libqcustomplot2.1-qt6 fonts-dejavu-core poppler-utils
)

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
  [ "$status" = "installed" ] || missing+=("$package")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}" >&2
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null; then
      echo "error: need root or sudo to install: ${missing[*]}" >&2
      exit 1
    fi
    sudo=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  if ! "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}" >&2; then
    "${sudo[@]}" apt-get update >&2
    "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}" >&2
  fi
fi

if [ ! -f "$build_dir/build.ninja" ]; then
  cmake -S "$root" -B "$build_dir" -G Ninja "$@" >&2
fi
cmake --build "$build_dir" >&2
