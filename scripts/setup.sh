#!/usr/bin/env bash
# Create .venv and install ponzidetect with the app and the Dask engine (and, with --dev, the
# test tools).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
extras="app,dask"
if [ "${1:-}" = "--dev" ]; then extras="app,dask,dev"; fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e ".[${extras}]"
