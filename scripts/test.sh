#!/usr/bin/env bash
# Set up (venv, package, browser and fonts) and run the whole test suite. Usage: bash scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
# Headless Chromium for the browser tests, with CJK and emoji fonts so Chinese pages render
# with real glyphs (checked by tests/test_browser.py).
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ] || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        chromium chromium-driver fonts-noto-cjk fonts-noto-color-emoji >/dev/null) \
      || echo "warning: could not install chromium and fonts; the browser tests will be skipped"
  fi
fi
.venv/bin/ruff check ponzidetect app tests bench scripts
exec .venv/bin/python -m pytest -q "$@"
