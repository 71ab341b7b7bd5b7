#!/usr/bin/env bash
# Runs FlashSale's whole test suite: installs what the tests need (PostgreSQL, Redis, Prometheus with
# promtool, Alertmanager with amtool, the PostgreSQL and Redis exporters), builds, runs every test against real
# servers, and ends with one line "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")"
source scripts/prerequisites.sh
install_prerequisites wrk jq

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT
status=0
dotnet test FlashSale.Tests -c Release --logger "trx;LogFileName=results.trx" --logger "console;verbosity=minimal" \
  --results-directory "$results" "$@" || status=$?

trx="$results/results.trx"
if [ -f "$trx" ]; then
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  count() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  passed=$(count passed); failed=$(count failed); total=$(count total); executed=$(count executed)
  skipped=$((total - executed))
  line="$passed passed, $failed failed"
  [ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
  echo "$line"
else
  echo "0 passed, 0 failed"
  [ "$status" -ne 0 ] || status=1
fi
exit "$status"
