#!/usr/bin/env bash
# Renders an HTML report to a PNG with headless Chromium, to look at it (or test it) without a
# desktop. Usage: screenshot_report.sh REPORT.html OUT.png [WIDTH,HEIGHT]   (default 1200,1600)
# Exits 77 (the "skipped" code) when Chromium is missing: apt-get install chromium, or
# scripts/install-report-deps.sh. $CHROMIUM overrides /usr/bin/chromium.
set -euo pipefail
if [ $# -lt 2 ] || [ $# -gt 3 ]; then
  echo "usage: $0 REPORT.html OUT.png [WIDTH,HEIGHT]" >&2
  exit 2
fi
html=$1
png=$2
size=${3:-1200,1600}
chromium=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
  echo "screenshot_report.sh: $chromium not found (apt-get install chromium)" >&2
  exit 77
fi
[ -f "$html" ] || { echo "screenshot_report.sh: no such file: $html" >&2; exit 2; }
html_abs=$(realpath "$html")
png_abs=$(realpath -m "$png")
profile=$(mktemp -d "${TMPDIR:-/tmp}/ember-chromium.XXXXXX")
trap 'rm -rf "$profile"' EXIT
rm -f "$png_abs"
# A throw-away profile and no background services: the report needs no network, and the
# screenshot must not depend on what a previous run left behind.
if ! timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --hide-scrollbars --user-data-dir="$profile" --screenshot="$png_abs" \
    --window-size="$size" "file://$html_abs" >"$profile/chromium.log" 2>&1; then
  echo "screenshot_report.sh: chromium failed:" >&2
  cat "$profile/chromium.log" >&2
  exit 1
fi
if [ ! -s "$png_abs" ]; then
  echo "screenshot_report.sh: chromium wrote no screenshot:" >&2
  cat "$profile/chromium.log" >&2
  exit 1
fi
echo "$png_abs"
