#!/usr/bin/env bash
# Set up (venv, package, browser) and run the whole test suite. Usage: bash scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
      || echo "warning: could not install chromium; the browser test will be skipped"
  fi
fi
.venv/bin/ruff check ponzidetect app tests bench scripts
exec .venv/bin/python -m pytest -q "$@"
