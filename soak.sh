#!/usr/bin/env bash
# FlashSale's soak (not in CI): starts a fresh stack the way bench.sh does (the AppHost, two API replicas, data in
# a new folder, rate limits off), measures the checkout ceiling against both replicas' own ports, then paces
# checkouts at half that rate for SOAK_MINUTES (default 10) with the load tool's --rate, sampling each replica's
# resident memory and the p99 every 10 s. It checks, after a warm-up minute, that
#   - each replica's resident memory does not climb: the median of the last third of the samples is under 10 %
#     above the median of the first third (medians, because a garbage-collected heap's sawtooth swings single
#     samples by a fifth either way), and no sample exceeds 300 MB (the benchmark's memory promise),
#   - p99 stays flat (the median window p99 of the second half is at most 1.5 times that of the first half),
#   - no error answer appears (every answer 2xx: no 5xx, no 4xx, no request without an answer),
#   - the sale's audit in PostgreSQL passes;
# prints the figures and exits non-zero when a check fails. Stops the stack at the end.
#   ./soak.sh                  # about 12 minutes
#   SOAK_MINUTES=2 ./soak.sh   # to try it
set -euo pipefail
cd "$(dirname "$0")"
source scripts/prerequisites.sh
install_prerequisites
command -v jq >/dev/null || { echo "soak.sh needs jq (apt-get install jq)" >&2; exit 1; }

minutes=${SOAK_MINUTES:-10}
warmup=60 sample=10 connections=64 ceiling_seconds=8 max_growth=10 max_rss_mb=300 max_p99_ratio=1.5
seconds=$(awk -v m="$minutes" 'BEGIN { printf "%d", m * 60 }')
[ "$seconds" -gt "$warmup" ] || { echo "SOAK_MINUTES=$minutes leaves nothing after the ${warmup} s warm-up" >&2; exit 2; }

data=$(mktemp -d /var/tmp/flashsale-soak.XXXXXX)
chmod o+x "$data"                  # the postgres OS user must reach its cluster inside
log="$data/apphost.log"
out=${SOAK_RESULTS:-/var/tmp/flashsale-soak-results}   # kept once the stack and its folder are gone
rm -rf "$out" && mkdir -p "$out"

echo "Building (Release)..."
dotnet build FlashSale.AppHost -c Release -v quiet -nologo
dotnet build FlashSale.Benchmark -c Release -v quiet -nologo
tool=(dotnet FlashSale.Benchmark/bin/Release/net10.0/FlashSale.Benchmark.dll)

source scripts/start-stack.sh

two=(--url "${replica_url[api-1]}" --url "${replica_url[api-2]}" --api-pid ${replica_pid[api-1]} ${replica_pid[api-2]})
common=(--admin-key "$key" --database "$db" --connections "$connections" --no-live)

# The ceiling: checkouts as fast as 64 connections allow, after a warm-up run (JIT, pools), as in bench.sh.
"${tool[@]}" --scenario checkout "${two[@]}" "${common[@]}" --items 2000 --duration 2 --label warmup >/dev/null
"${tool[@]}" --scenario checkout "${two[@]}" "${common[@]}" --items 50000 --duration "$ceiling_seconds" \
  --label ceiling --report "$out/ceiling.json" >"$out/ceiling.log"
ceiling=$(jq '.requests_per_second' "$out/ceiling.json")
rate=$(awk -v c="$ceiling" 'BEGIN { printf "%d", c / 2 }')
# A fresh item for every checkout, in one sale of at most 999,999 items (the API's limit): a long soak on a fast
# machine is paced below half the ceiling rather than refused.
max_items=999999
max_rate=$(awk -v m="$max_items" -v s="$seconds" 'BEGIN { printf "%d", (m - 1000) / (s * 1.05) }')
if [ "$rate" -gt "$max_rate" ]; then
  echo "Half the ceiling, $rate/s, needs more items than a sale holds ($max_items) in $minutes min: pacing at $max_rate/s"
  rate=$max_rate
fi
items=$(awk -v r="$rate" -v s="$seconds" 'BEGIN { printf "%d", r * s * 1.05 + 1000 }')
echo "Checkout ceiling $(printf '%.0f' "$ceiling")/s (2 replicas, $connections connections, ${ceiling_seconds} s): soaking at $rate/s for $minutes min, $items items"

command="${tool[*]} --scenario checkout --url \$API1 --url \$API2 --api-pid \$API1_PID \$API2_PID --admin-key \$KEY --database \$DB"
command+=" --connections $connections --no-live --rate $rate --duration $seconds --items $items --sample-seconds $sample --label soak --report soak.json"
echo "$command" >"$out/command.txt"
status=0
"${tool[@]}" --scenario checkout "${two[@]}" "${common[@]}" --rate "$rate" --duration "$seconds" --items "$items" \
  --sample-seconds "$sample" --label soak --report "$out/soak.json" | tee "$out/soak.log" || status=$?
[ "$status" -eq 0 ] || echo "FAIL: the load tool exited $status (its audit or the run failed)"

# The checks, from the report's samples (each replica's RSS in MB, each window's requests, errors and p99).
report="$out/soak.json"
echo
echo "== samples (second, requests, errors, p99 ms, RSS MB api-1 api-2)"
jq -r '.samples[] | [.second, .requests, .errors, .p99_ms, (.api_rss_mb | map(tostring) | join(" "))] | @tsv' "$report"
echo
fail() { echo "FAIL: $1"; status=1; }
pass() { echo "pass: $1"; }
for replica in 0 1; do
  read -r first last peak < <(jq -r --argjson w "$warmup" --argjson i "$replica" '
    def median: sort | if length == 0 then 0 else .[(length - 1) / 2 | floor] end;
    [.samples[] | select(.second > $w) | .api_rss_mb[$i]] | (length / 3 | floor) as $t
    | [(.[:$t] | median), (.[length - $t:] | median), max] | @tsv' "$report")
  growth=$(awk -v a="$first" -v b="$last" 'BEGIN { printf "%.1f", (b - a) / a * 100 }')
  line="api-$((replica + 1)) RSS after the warm-up: median ${first} MB in the first third, ${last} MB in the last (${growth} %, limit +${max_growth} %), peak ${peak} MB (limit ${max_rss_mb} MB)"
  if awk -v g="$growth" -v m="$max_growth" -v p="$peak" -v c="$max_rss_mb" 'BEGIN { exit !(g < m && p <= c) }'; then pass "$line"; else fail "$line"; fi
done
read -r first second < <(jq -r --argjson w "$warmup" '
  def median: sort | if length == 0 then 0 else .[(length - 1) / 2 | floor] end;
  [.samples[] | select(.second > $w) | .p99_ms] | (length / 2 | floor) as $h | [(.[:$h] | median), (.[$h:] | median)] | @tsv' "$report")
ratio=$(awk -v a="$first" -v b="$second" 'BEGIN { printf "%.2f", (a > 0 ? b / a : 0) }')
line="p99 after the warm-up: median window ${first} ms in the first half, ${second} ms in the second (x${ratio}, limit x${max_p99_ratio})"
if awk -v r="$ratio" -v m="$max_p99_ratio" 'BEGIN { exit !(r <= m) }'; then pass "$line"; else fail "$line"; fi
read -r requests answers p99 < <(jq -r '.endpoints[] | select(.endpoint == "POST /checkout")
  | [.requests, (.statuses | to_entries | map("\(.key):\(.value)") | join(" ")), .p99_ms] | @tsv' "$report")
bad=$(jq '[.endpoints[].statuses | to_entries[] | select(.key | test("^2") | not) | .value] | add // 0' "$report")
line="$requests checkouts at $(jq '.requests_per_second | floor' "$report")/s (paced $rate/s), whole-run p99 ${p99} ms, answers $answers"
if [ "$bad" -eq 0 ]; then pass "$line"; else fail "$line: $bad not 2xx"; fi
jq -r '.audit | "audit of sale \(.sale_id): \(if .passed then "passed" else "FAILED" end)"' "$report"
echo "(report and logs in $out; command in $out/command.txt)"
exit "$status"
