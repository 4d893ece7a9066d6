#!/usr/bin/env bash
# Copies the built NHS.UK frontend and htmx from node_modules into the vendor folder.
# Run through `make assets`, which installs the exact versions in package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=wellled/static/vendor
nhs=node_modules/nhsuk-frontend
version=$(node -p "require('./$nhs/package.json').version")
htmx_version=$(node -p "require('./node_modules/htmx.org/package.json').version")
rm -rf "$dest"
mkdir -p "$dest/nhsuk-frontend/images" "$dest/htmx"
# The stylesheet loads the Frutiger web font from assets.nhs.uk. The font is licensed for
# NHS England's own services, and the Content-Security-Policy allows no other origin, so
# the @font-face rules are removed and pages use the NHS fallback stack (Arial).
node -e '
const fs = require("fs");
const css = fs.readFileSync(process.argv[1], "utf8");
const out = css.replace(/@font-face\{[^}]*assets\.nhs\.uk[^}]*\}/g, "");
if (out.includes("assets.nhs.uk")) { console.error("assets.nhs.uk is still referenced"); process.exit(1); }
fs.writeFileSync(process.argv[2], out);
' "$nhs/dist/nhsuk/nhsuk-frontend.min.css" "$dest/nhsuk-frontend/nhsuk-frontend.min.css"
cp "$nhs/dist/nhsuk/nhsuk-frontend.min.js" "$dest/nhsuk-frontend/"
cp "$nhs/dist/nhsuk/assets/images/"*.{svg,ico,png} "$dest/nhsuk-frontend/images/"
cp node_modules/htmx.org/dist/htmx.min.js "$dest/htmx/"
cat > "$dest/VERSIONS.md" <<TXT
# Vendored front-end packages

| package | version | licence | source |
| --- | --- | --- | --- |
| nhsuk-frontend | $version | MIT (code); documentation © NHS England, OGL 3.0 | npm registry, dist/nhsuk |
| htmx.org | $htmx_version | 0BSD | npm registry, dist/htmx.min.js |

The stylesheet's @font-face rules for Frutiger (served from assets.nhs.uk) are removed by
scripts/vendor-assets.sh: the font is licensed for NHS England's own services and the
Content-Security-Policy allows no third-party origin, so text uses the NHS fallback, Arial.

Refresh with \`make assets\`; do not edit these files by hand.
TXT
cat > "$dest/nhsuk-frontend/LICENSE" <<'TXT'
The MIT License (MIT)

Copyright (c) NHS England

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in
all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN
THE SOFTWARE.
TXT
cp node_modules/htmx.org/LICENSE "$dest/htmx/LICENSE"
echo "Vendored nhsuk-frontend $version and htmx.org $htmx_version into $dest"
