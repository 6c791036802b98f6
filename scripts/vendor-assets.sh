#!/usr/bin/env bash
# Refresh the vendored front-end assets from the versions pinned in package.json/package-lock.json.
# The copies are committed, so the app and the tests never need npm or a CDN at run time.
# GOV.UK Frontend is used for its accessible components only: the GDS Transport typeface and the
# crown are reserved for government services, so the fonts are not copied and the stylesheet's
# references to them are removed (healthgap's own branding lives in static/healthgap.css).
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund --loglevel=error
vendor=src/healthgap/web/static/vendor
tests_vendor=tests/web/vendor
mkdir -p "$vendor" "$tests_vendor"
cp node_modules/htmx.org/dist/htmx.min.js "$vendor/htmx.min.js"
cp node_modules/vega/build/vega.min.js "$vendor/vega.min.js"
cp node_modules/vega-lite/build/vega-lite.min.js "$vendor/vega-lite.min.js"
cp node_modules/vega-embed/build/vega-embed.min.js "$vendor/vega-embed.min.js"
# Vega's expression interpreter: charts are drawn with `ast: true`, so the CSP needs no eval.
# npm ships it as an ES module only; esbuild bundles it (with the vega-util helpers it imports)
# into one script that defines the global `vegaInterpreter`.
npx --no-install esbuild node_modules/vega-interpreter/index.js --bundle --minify \
    --format=iife --global-name=vegaInterpreter --log-level=warning \
    --outfile="$vendor/vega-interpreter.min.js"
# Drop the @font-face rules and the reserved typeface name; keep everything else byte for byte.
sed -e 's/@font-face{font-family:GDS Transport;[^}]*}//g' \
    -e 's/font-family:GDS Transport,arial,sans-serif/font-family:arial,sans-serif/g' \
    -e 's/font-family:GDS Transport/font-family:arial,sans-serif/g' \
    node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css > "$vendor/govuk-frontend.min.css"
cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js "$vendor/govuk-frontend.min.js"
# axe-core is a test tool: it is injected into pages by the browser tests, never served.
cp node_modules/axe-core/axe.min.js "$tests_vendor/axe.min.js"
node -e '
const lock = require("./package-lock.json").packages;
const names = ["htmx.org", "vega", "vega-lite", "vega-embed", "vega-interpreter",
               "govuk-frontend", "axe-core"];
for (const n of names) console.log(`${n} ${lock["node_modules/" + n].version}`);
' > "$vendor/VERSIONS.txt"
cat "$vendor/VERSIONS.txt"
