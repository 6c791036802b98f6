#!/usr/bin/env bash
# Refresh requirements.lock: the exact versions a clean install of healthgap[test,web,bench]
# brings in, which `scripts/audit_dependencies.py` (run by scripts/test.sh) checks for known
# vulnerabilities. Run it after changing the dependencies in pyproject.toml, and commit the
# new lock with that change.
set -euo pipefail
cd "$(dirname "$0")/.."
folder="$(mktemp -d)"
trap 'rm -rf "$folder"' EXIT
python3 -m venv "$folder/venv"
"$folder/venv/bin/python" -m pip install --quiet --disable-pip-version-check '.[test,web,bench]'
{
  echo "# Exact versions of a clean 'pip install .[test,web,bench]' (Python $("$folder/venv/bin/python" -c 'import platform; print(platform.python_version())')),"
  echo "# made by scripts/lock-dependencies.sh; audited by scripts/audit_dependencies.py."
  "$folder/venv/bin/python" -m pip freeze --exclude-editable --all | grep -v -i '^healthgap[=@ ]' | LC_ALL=C sort -f
} > requirements.lock
echo "wrote requirements.lock ($(grep -vc '^#' requirements.lock) packages)"
