#!/usr/bin/env bash
# FlashSale's benchmark: first watches sales open at their window's start on stacks of 1 and 2 replicas that open
# their own 20-second sales (bench/window.sh), then starts a fresh stack the way the product runs (the AppHost, two
# API replicas, data in a new folder, no hourly sale of its own), aims the load tool at the replicas' own ports (not
# the gateway), and measures in one run the first and the second 10,000-item rush on a freshly started replica (then a
# third with 256 connections), the machine's ceilings (GET /alive, Redis running the checkout script, pgbench running
# the purchase SQL) and FlashSale's checkout, purchase and a 10,000-item rush against 1 and 2 replicas, with CPU per
# request of the API, PostgreSQL, Redis and the client, and peak memory. wrk running bench/crowd.lua drives the rushes,
# the checkouts and GET /alive (one wrk per replica), so the client costs little beside the service; the load tool
# opens each sale, drives the purchases (it checks out the codes they redeem first) and, once, GET /alive, for its own
# figure beside wrk's. Every run is audited in PostgreSQL; a failed audit fails the bench. Writes docs/benchmarks.md
# and its charts (docs/images/benchmark-*.png), then stops the stack.
#   ./bench.sh                 # about 8 minutes here
#   BENCH_QUICK=1 ./bench.sh   # shorter runs and a 2,000-item rush, to try the script (same document)
#   BENCH_PROFILE=1 ./bench.sh # also one more 1-replica rush under dotnet-trace (installed on first use), whose
#                              # top methods go into the document; that rush is not among the measured runs
#   BENCH_RUNTIME=aot ./bench.sh   # replicas published with Native AOT rather than the solution's build (JIT)
set -euo pipefail
cd "$(dirname "$0")"
source scripts/prerequisites.sh
install_prerequisites wrk

started=$SECONDS
quick=${BENCH_QUICK:-}
items=10000 shoppers=2000 connections=64 seconds=8 rush_limit=60 first_rush_limit=30 purchase_items=6000 checkout_items=50000 windows=3
if [ -n "$quick" ]; then items=2000 shoppers=400 seconds=3 rush_limit=20 first_rush_limit=15 purchase_items=1500 checkout_items=10000 windows=1; fi

data=$(mktemp -d /var/tmp/flashsale-bench.XXXXXX)
chmod o+x "$data"                  # the postgres OS user must reach its cluster inside
results="$data/results"
mkdir -p "$results"
log="$data/apphost.log"
facts="$results/facts.txt"
commands="$results/commands.txt"
fact() { echo "$1=$2" >>"$facts"; }
load1() { cut -d' ' -f1 /proc/loadavg; }

fact date "$(date -u '+%Y-%m-%d %H:%M UTC')"
fact commit "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' with local changes')"
fact machine_cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
fact machine_cores "$(nproc)"
fact machine_memory "$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
fact machine_kernel "$(uname -r)"
fact load_before "$(load1)"
fact other_stacks "$(pgrep -fc 'FlashSale.Api|bin/postgres|redis-server' || true) processes"

echo "Building (Release)..."
dotnet build FlashSale.AppHost -c Release -v quiet -nologo
dotnet build FlashSale.Benchmark -c Release -v quiet -nologo
tool=(dotnet FlashSale.Benchmark/bin/Release/net10.0/FlashSale.Benchmark.dll)

# The replicas run the solution's build (JIT). BENCH_RUNTIME=aot publishes the API with Native AOT and runs every stack
# below on it (start-stack.sh reads stack_api_executable): ready sooner at half the memory and nothing compiled while it
# serves, but more API CPU per request once warm (docs/benchmarks-notes.md, item 32).
runtime=${BENCH_RUNTIME:-jit}
case $runtime in
  aot)
    echo "Publishing FlashSale.Api with Native AOT..."
    dotnet publish FlashSale.Api -c Release -r linux-x64 -p:PublishAot=true -o "$data/api-aot" -v quiet -nologo
    export stack_api_executable="$data/api-aot/FlashSale.Api" ;;
  jit) ;;
  *) echo "BENCH_RUNTIME is '$runtime': use jit or aot" >&2; exit 2 ;;
esac
fact api_runtime "$runtime"

# 0. The window's start, each on a fresh stack of its own that opens 20-second sales by itself (stopped before the next).
mkdir -p "$results/window"
for replicas in 1 2; do
  echo; echo "== window start, $replicas replica(s) (load average $(load1))"
  echo "bench/window.sh $replicas \$RESULTS/window $windows $items" >>"$commands"
  bench/window.sh "$replicas" "$results/window" "$windows" "$items"
done

source scripts/start-stack.sh

one=(--url "${replica_url[api-1]}" --api-pid "${replica_pid[api-1]}")
two=(--url "${replica_url[api-1]}" --url "${replica_url[api-2]}" --api-pid ${replica_pid[api-1]} ${replica_pid[api-2]})
# The audit's own queries stay out of pg_stat_statements' figures.
common=(--admin-key "$key" --database "$db;Options=-c pg_stat_statements.track=none" --postgres-pid "$pg_pid" --redis-pid "$redis_pid"
        --no-live)

# Runs the load tool, records the command (key and connection string as $KEY and $DB) and the load average.
load() {
  local label=$1; shift
  echo; echo "== $label (load average $(load1))"
  echo "${tool[*]} $* $([[ " $* " == *" --connections "* ]] || echo "--connections $connections") --label $label --report $label.json" | sed -e "s/$key/\$KEY/g" -e "s/$db;Options=-c pg_stat_statements.track=none/\$DB/g" \
    -e "s#${replica_url[api-1]}#\$API1#g" -e "s#${replica_url[api-2]}#\$API2#g" -e 's/--api-pid [0-9 ]*//; s/--postgres-pid [0-9]*//' >>"$commands"
  local width=(--connections "$connections")
  [[ " $* " == *" --connections "* ]] && width=()
  "${tool[@]}" "$@" "${width[@]}" --label "$label" --report "$results/$label.json"
  fact "load_$label" "$(load1)"
}

# 1. The first rush after a start, on api-1 (it has answered only the orchestrator's health checks), then
# a second one on the same process: what warming up costs the crowd that meets a freshly started replica.
# Both driven by wrk (bench/crowd.lua), whose client costs a fraction of the load tool's; then a third with a wider
# crowd (256 connections): at 64 the rush waits on the group commits more than on the CPU.
# The crowd meets a replica started before its sale (a deploy, a restart, a scale-out before the hour): the first rush
# begins 20 s after the stack is ready, time for the replicas' warm-up pass after ready.
first_rush_after=20
fact first_rush_after "$first_rush_after"
sleep "$first_rush_after"
load rush-first --scenario rush --wrk bench/crowd.lua "${one[@]}" "${common[@]}" --items "$items" --duration "$first_rush_limit"
load rush-second --scenario rush --wrk bench/crowd.lua "${one[@]}" "${common[@]}" --items "$items" --duration "$first_rush_limit"
load rush-crowd --scenario rush --wrk bench/crowd.lua "${one[@]}" "${common[@]}" --items "$items" --duration "$first_rush_limit" --connections 256

# Warm-up: JIT and connection pools, so the first measured run is not the one paying for them.
"${tool[@]}" --scenario checkout "${two[@]}" "${common[@]}" --connections "$connections" --items 2000 --duration 2 --label warmup >/dev/null

# 2. Ceilings: GET /alive driven by wrk, then by the load tool itself on one replica (what its own client costs).
load alive-1 --scenario alive --wrk bench/crowd.lua "${one[@]}" "${common[@]}" --duration "$seconds"
load alive-2 --scenario alive --wrk bench/crowd.lua "${two[@]}" "${common[@]}" --duration "$seconds"
load alive-tool-1 --scenario alive "${one[@]}" "${common[@]}" --duration "$seconds"

echo; echo "== redis-benchmark: checkout_hold.lua, $connections clients"
echo "bench/redis-checkout.sh \$REDIS_PORT $connections 200000" >>"$commands"
fact redis_checkout_rps "$(bench/redis-checkout.sh "$redis_port" "$connections" 200000)"
grep redis_checkout_rps "$facts"

echo; echo "== pgbench: purchase_batch, one purchase per transaction, $connections clients"
"${psql[@]}" -d postgres -c "create database pgbench_ceiling"
"$pg_bin/pg_dump" -h localhost -p "$pg_port" -U postgres --schema-only flashsale | "${psql[@]}" -d pgbench_ceiling >/dev/null
"${psql[@]}" -d pgbench_ceiling -f bench/pgbench-setup.sql
echo "pgbench -n -c $connections -j 2 -T $seconds -f bench/pgbench-purchase.sql pgbench_ceiling   # after bench/pgbench-setup.sql" >>"$commands"
"$pg_bin/pgbench" -h localhost -p "$pg_port" -U postgres -n -c "$connections" -j 2 -T "$seconds" -f bench/pgbench-purchase.sql pgbench_ceiling \
  | tee "$results/pgbench.txt" | grep -E 'tps|latency'
fact pgbench_purchase_tps "$(grep -oP 'tps = \K[0-9.]+' "$results/pgbench.txt" | head -1)"
fact pgbench_clients "$connections"

# 3. FlashSale, against one replica and then both.
load checkout-1 --scenario checkout --wrk bench/crowd.lua "${one[@]}" "${common[@]}" --items "$checkout_items" --duration "$seconds"
load checkout-2 --scenario checkout --wrk bench/crowd.lua "${two[@]}" "${common[@]}" --items "$checkout_items" --duration "$seconds"
load purchase-1 --scenario purchase "${one[@]}" "${common[@]}" --items "$purchase_items" --duration "$seconds"
load purchase-2 --scenario purchase "${two[@]}" "${common[@]}" --items "$purchase_items" --duration "$seconds"
"${psql[@]}" -d flashsale -c "select pg_stat_statements_reset()" >/dev/null
load rush-1 --scenario rush --wrk bench/crowd.lua "${one[@]}" "${common[@]}" --items "$items" --duration "$rush_limit"
"${psql[@]}" -d flashsale -P pager=off -c "
  select calls, round(total_exec_time::numeric) as total_ms, round(mean_exec_time::numeric, 3) as mean_ms, rows,
         left(regexp_replace(query, '\s+', ' ', 'g'), 110) as query
  from pg_stat_statements order by total_exec_time desc limit 12" >"$results/pg_stat_statements-rush-1.txt"
load rush-2 --scenario rush --wrk bench/crowd.lua "${two[@]}" "${common[@]}" --items "$items" --duration "$rush_limit"

# 4. Optionally, where api-1's time goes during a rush: dotnet-trace's sampled thread stacks, top methods.
if [ -n "${BENCH_PROFILE:-}" ]; then
  tools="$HOME/.dotnet/flashsale-bench-tools"
  [ -x "$tools/dotnet-trace" ] || dotnet tool install dotnet-trace --version 10.0.750501 --tool-path "$tools" >/dev/null
  echo; echo "== rush under dotnet-trace (api-1)"
  echo "dotnet-trace collect -p \$API1_PID --profile dotnet-sampled-thread-time --duration 00:00:00:15   # during a 1-replica rush" >>"$commands"
  # The tool may first wait for the previous sale's end: the trace starts when the rush does.
  "${tool[@]}" --scenario rush "${one[@]}" "${common[@]}" --connections "$connections" --items "$items" --shoppers "$shoppers" --duration "$rush_limit" \
    --label rush-profiled --report "$data/rush-profiled.json" >"$data/rush-profiled.log" 2>&1 &
  profiled=$!
  until grep -q "^Rush against" "$data/rush-profiled.log" || ! kill -0 "$profiled" 2>/dev/null; do sleep 0.2; done
  "$tools/dotnet-trace" collect -p "${replica_pid[api-1]}" --profile dotnet-sampled-thread-time --duration 00:00:00:15 \
    -o "$data/rush.nettrace" >"$data/trace.log" 2>&1 &
  tracer=$!
  wait "$profiled"
  tail -4 "$data/rush-profiled.log"
  wait "$tracer" || true
  {
    echo "inclusive (time a method was anywhere on a sampled stack):"
    "$tools/dotnet-trace" report "$data/rush.nettrace" topN -n 25 --inclusive
    echo; echo "exclusive (time a method was on top of a sampled stack):"
    "$tools/dotnet-trace" report "$data/rush.nettrace" topN -n 25
  } >"$results/dotnet-trace-rush.txt" 2>&1 || true
fi

fact load_after "$(load1)"
fact bench_seconds "$((SECONDS - started))"
[ -f docs/benchmarks-notes.md ] && cp docs/benchmarks-notes.md "$results/notes.md"
"${tool[@]}" report --results "$results" --output docs/benchmarks.md
rm -rf /var/tmp/flashsale-bench-results && cp -r "$results" /var/tmp/flashsale-bench-results   # kept for a look once the stack is gone
