#!/usr/bin/env bash
# Set everything up on a fresh machine and run the main job on the embedded demo data.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check -e .
healthgap demo "$@"
