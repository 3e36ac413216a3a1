#!/usr/bin/env bash
# Installs what the project needs on a fresh Debian machine with Node 20 + npm.
#   bash scripts/bootstrap.sh          npm dependencies only
#   bash scripts/bootstrap.sh --all    also PyTorch + ONNX (Debian), ffmpeg and Chromium for browser tests
set -euo pipefail
cd "$(dirname "$0")/.."

want_all=0
for arg in "$@"; do
  case "$arg" in
    --all) want_all=1 ;;
    *) echo "bootstrap: unknown option $arg" >&2; exit 2 ;;
  esac
done

if [ "$want_all" = 1 ]; then
  missing=()
  /usr/bin/python3 -c 'import torch, onnx, pytest, numpy, scipy, PIL' 2>/dev/null \
    || missing+=(python3-torch python3-onnx python3-pytest python3-numpy python3-scipy python3-pil)
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "bootstrap: installing Debian packages: ${missing[*]}"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

# npm dependencies, at the versions of package-lock.json. (`npm install`, not `npm ci`: npm 11's `ci`
# rejects lock files whose other-platform optional packages have no version entry, which npm 11 itself writes.)
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "bootstrap: npm install"
  npm install --no-audit --no-fund --loglevel=error
fi
