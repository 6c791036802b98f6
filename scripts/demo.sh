#!/usr/bin/env bash
# Set everything up on a fresh machine and run the main job: build (or reuse) the national
# SYNTHETIC demo workspace, create the demo admin login (password printed once) and serve the
# web workspace on http://127.0.0.1:8000 (Ctrl+C stops it).
set -euo pipefail
cd "$(dirname "$0")/.."
# System packages (fonts, and Pango for the PDF reports the web app writes).
bash scripts/setup-system.sh
python3 -m pip install --quiet --disable-pip-version-check -e '.[web]'
exec healthgap serve --demo "$@"
