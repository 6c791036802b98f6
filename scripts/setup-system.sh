#!/usr/bin/env bash
# Install the system packages the web tests need (PostgreSQL server, Chromium, fonts), only when
# missing, so it is cheap to run on every test run. Without root (or apt-get) it says what is
# missing and carries on: the tests that need those packages skip with a reason.
set -euo pipefail

missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
# Liberation Sans is metric-compatible with Arial, the typeface the stylesheet names.
dpkg -s fonts-liberation >/dev/null 2>&1 || missing+=(fonts-liberation)
# Colour emoji for the pledge share image (reports/pledge_share_card.py).
dpkg -s fonts-noto-color-emoji >/dev/null 2>&1 || missing+=(fonts-noto-color-emoji)

if [ "${#missing[@]}" -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "setup-system: missing ${missing[*]} (needs root and apt-get); dependent tests will skip" >&2
    exit 0
fi
echo "setup-system: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
