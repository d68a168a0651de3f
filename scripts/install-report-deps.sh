#!/usr/bin/env bash
# Installs (from `make deps`) headless Chromium and a font so that tests/report/screenshot_report.sh (and the
# RenderReport.ChromiumScreenshotIsNonTrivial test, which is skipped without it) can render the
# HTML training report to a PNG. Nothing else in ember needs these packages; building, the other
# tests and viewing a report in any browser do not. Idempotent. See docs/VISUALIZATION.md.
set -euo pipefail
pkgs=(chromium fonts-dejavu-core)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi
echo "install-report-deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
