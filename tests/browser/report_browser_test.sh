#!/usr/bin/env bash
# The HTML report in a real browser. Writes a report from the fixture database (with `patchgd
# report` when the binary is given and built, else with the fixture tool), loads it in headless
# Chromium from disk at 1280 px and at 400 px, and fails on:
#   - any console message (the page writes none; an uncaught error or a resource that does not
#     load shows up there),
#   - a missing element id, a run section missing for a row of the runs list, or the page's
#     script not having run (<html data-js="ready">),
#   - a blank screenshot (fewer than 8 colours, or one colour over 99.5 % of it).
# Exit 77 (ctest's SKIP_RETURN_CODE) when no Chromium is installed: skipped, not passed.
#
# usage: report_browser_test.sh FIXTURE_TOOL PNG_COLOURS OUT_DIR [PATCHGD]
# REPORT_BROWSER_BREAK=js|id|blank breaks the page before loading it (to see the test fail);
# CHROMIUM=/path/to/browser picks the browser.
set -euo pipefail
fixture=$1 png_colours=$2 out=$3 patchgd=${4:-}

browser=${CHROMIUM:-}
if [ -z "$browser" ]; then
  for b in chromium chromium-browser google-chrome; do
    if command -v "$b" >/dev/null; then browser=$b; break; fi
  done
fi
if [ -z "$browser" ] || ! command -v "$browser" >/dev/null; then
  echo "SKIPPED: no Chromium${browser:+ at '$browser'} (make deps installs Debian's chromium)"
  exit 77
fi

rm -rf "$out"
mkdir -p "$out"
db=$out/fixture.db
report=$out/report
export REPORT_FIXTURE_SEEDS=2 REPORT_FIXTURE_EPOCHS=6
if [ -n "$patchgd" ] && [ -x "$patchgd" ]; then
  "$fixture" "$db"
  "$patchgd" report --db "$db" --out "$report"
else
  echo "(no patchgd binary: the fixture tool writes the report through the same library)"
  "$fixture" "$db" "$report"
fi
page=$(realpath "$report/index.html")

case "${REPORT_BROWSER_BREAK:-}" in
  "") ;;
  js) sed -i 's|</body>|<script>window.reportIsBroken();</script></body>|' "$page" ;;
  id) sed -i 's| id="runs-table"||' "$page" ;;
  blank) printf '<!DOCTYPE html><html><body></body></html>\n' >"$page" ;;
  *) echo "REPORT_BROWSER_BREAK must be js, id or blank"; exit 2 ;;
esac

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
browse() {  # browse LOG ARGS...: one headless load of the page; the browser's log into LOG
  local log=$1
  shift
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu --no-first-run --hide-scrollbars \
    --user-data-dir="$profile" --enable-logging=stderr --v=0 "$@" "file://$page" 2>"$log"
}
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

browse "$out/desktop.log" --window-size=1280,2000 --screenshot="$out/desktop.png" >/dev/null ||
  fail "Chromium failed at 1280 px (exit $?; log $out/desktop.log)"
browse "$out/phone.log" --window-size=400,2000 --screenshot="$out/phone.png" >/dev/null ||
  fail "Chromium failed at 400 px (exit $?; log $out/phone.log)"
browse "$out/dom.log" --window-size=1280,2000 --dump-dom >"$out/dom.html" ||
  fail "Chromium failed dumping the DOM (exit $?; log $out/dom.log)"

if grep -h ':CONSOLE' "$out"/*.log >"$out/console.txt"; then
  fail "console messages:"
  sed 's/^/  /' "$out/console.txt"
fi

grep -q 'data-js="ready"' "$out/dom.html" || fail "the page's script did not run to its end"
for id in report-header toc claims claims-summary tables plots plots-memory-cap plots-memory \
          plots-latency plots-curves runs runs-table runs-filter runs-status runs-count run-details; do
  grep -q " id=\"$id\"" "$out/dom.html" || fail "no element with id \"$id\""
done
count() { { grep -o "$1" "$out/dom.html" || true; } | wc -l; }
rows=$(count '<tr data-status=')
sections=$(count '<section id="run-[0-9]*" class="run"')
[ "$rows" -gt 0 ] && [ "$rows" -eq "$sections" ] ||
  fail "$rows rows in the runs list but $sections run sections"

for shot in desktop phone; do
  stats=$("$png_colours" "$out/$shot.png") || { fail "$shot.png unreadable"; continue; }
  echo "$shot screenshot: $stats"
  colours=$(sed -n 's/.*colours=\([0-9]*\).*/\1/p' <<<"$stats")
  dominant=$(sed -n 's/.*dominant=\([0-9.]*\).*/\1/p' <<<"$stats")
  if [ "$colours" -lt 8 ] || awk -v d="$dominant" 'BEGIN { exit !(d > 0.995) }'; then
    fail "$shot screenshot is blank ($stats)"
  fi
done

if [ "$failures" -gt 0 ]; then
  echo "report browser test: $failures failure(s); page $page, screenshots in $out"
  exit 1
fi
echo "report browser test: passed ($rows runs; $browser; screenshots in $out)"
