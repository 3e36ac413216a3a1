#!/usr/bin/env bash
# Runs the PyTorch package's tests with Debian's interpreter (the one that has torch).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d python ]; then echo "test-python: no python/ package yet"; exit 0; fi
PY=/usr/bin/python3
cd python
exec "$PY" -m pytest -q -p no:cacheprovider "$@"
