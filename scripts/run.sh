#!/usr/bin/env bash
# Set up, score the example file, then start the triage app. Usage: bash scripts/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "== red flags in examples/dbtc_en.txt =="
.venv/bin/ponzidetect flags examples/dbtc_en.txt
echo "== batch scoring examples/triage_sample.csv -> /tmp/ponzidetect-scored.csv =="
.venv/bin/ponzidetect score examples/triage_sample.csv -o /tmp/ponzidetect-scored.csv --text-column text
if [ "${PONZIDETECT_NO_APP:-}" = "1" ]; then exit 0; fi
echo "== starting the triage app on http://localhost:8501 (Ctrl-C to stop) =="
exec .venv/bin/ponzidetect app
