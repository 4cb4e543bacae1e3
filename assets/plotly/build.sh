#!/bin/sh
# Rebuild the partial plotly.js bundle served by Selfscan (see README.md).
# Usage: sh assets/plotly/build.sh   (from anywhere; needs node >= 18 and npm)
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT="$ROOT/selfscan/static/vendor"
PLOTLY="$HERE/node_modules/plotly.js"

cd "$HERE"
npm ci --no-audit --no-fund

mkdir -p "$OUT"
node build.js "$OUT/plotly-selfscan.min.js"

# Plotly's own stylesheet, served as a file so that no inline <style> is needed
# under a strict CSP (the page marks it with id="plotly.js-style-global"
# class="no-inline-styles"; see README.md).
cp "$PLOTLY/dist/plotly.css" "$OUT/plotly-selfscan.css"
cp "$PLOTLY/LICENSE" "$OUT/plotly-LICENSE.txt"

for f in "$OUT/plotly-selfscan.min.js" "$OUT/plotly-selfscan.css"; do
    printf '%s: %s bytes raw, %s bytes gzip -9\n' \
        "${f#"$ROOT"/}" "$(wc -c < "$f")" "$(gzip -9 -c "$f" | wc -c)"
done
