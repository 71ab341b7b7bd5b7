#!/usr/bin/env bash
# FlashSale's benchmark: starts a fresh stack the way the product runs (the AppHost, two API replicas, data in a
# new folder, no hourly sale of its own), aims the load tool at the replicas' own ports (not the gateway), and
# measures in one run the machine's ceilings (GET /alive, Redis running the checkout script, pgbench running the
# purchase SQL) and FlashSale's checkout, purchase and a 10,000-item / 2,000-shopper rush against 1 and 2
# replicas, with CPU per request and peak memory. Every run is audited in PostgreSQL; a failed audit fails the
# bench. Writes docs/benchmarks.md and its charts (docs/images/benchmark-*.png), then stops the stack.
#   ./bench.sh                 # about 8 minutes here
#   BENCH_QUICK=1 ./bench.sh   # shorter runs and a 2,000-item rush, to try the script (same document)
#   BENCH_PROFILE=1 ./bench.sh # also one more 1-replica rush under dotnet-trace (installed on first use), whose
#                              # top methods go into the document; that rush is not among the measured runs
set -euo pipefail
cd "$(dirname "$0")"
source scripts/prerequisites.sh
install_prerequisites

started=$SECONDS
quick=${BENCH_QUICK:-}
items=10000 shoppers=2000 connections=64 seconds=8 rush_limit=60 purchase_items=6000 checkout_items=50000
if [ -n "$quick" ]; then items=2000 shoppers=400 seconds=3 rush_limit=20 purchase_items=1500 checkout_items=10000; fi

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
fact other_stacks "$(pgrep -fc 'FlashSale.Api.dll|bin/postgres|redis-server' || true) processes"

echo "Building (Release)..."
dotnet build FlashSale.AppHost -c Release -v quiet -nologo
dotnet build FlashSale.Benchmark -c Release -v quiet -nologo
tool=(dotnet FlashSale.Benchmark/bin/Release/net10.0/FlashSale.Benchmark.dll)

# PostgreSQL's cluster is made here rather than by the AppHost (which skips initdb when the folder holds one), the
# same way, plus pg_stat_statements, so the bench can say where the database's time goes.
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
mkdir -p "$data/postgres"
chown postgres:postgres "$data/postgres"
chmod 700 "$data/postgres"
setpriv --reuid=postgres --regid=postgres --init-groups -- "$pg_bin/initdb" -D "$data/postgres" -U postgres \
  --auth=trust --encoding=UTF8 --no-instructions >"$data/initdb.log"
printf "shared_preload_libraries = 'pg_stat_statements'\npg_stat_statements.track = all\n" >>"$data/postgres/postgresql.conf"

echo "Starting the stack (data in $data)..."
dotnet run --project FlashSale.AppHost -c Release --no-build -- --Stack:DataDirectory="$data" --Stack:Replicas=2 \
  --Stack:Port=0 --FlashSale:AutoStart=false --FlashSale:RateLimit:PerClient=0 --FlashSale:RateLimit:PerUser=0 >"$log" 2>&1 &
runner=$!
apphost=""

stop_stack() {
  local status=$?
  [ -n "$apphost" ] || apphost=$(pgrep -P "$runner" -f FlashSale.AppHost || true)
  if [ -n "$apphost" ] && kill -0 "$apphost" 2>/dev/null; then
    echo "Stopping the stack..."
    kill -TERM "$apphost"
  elif kill -0 "$runner" 2>/dev/null; then
    kill -TERM "$runner"
  fi
  # Nothing may be left: the AppHost, the replicas, PostgreSQL, Redis, Prometheus (all name the data folder or
  # are the AppHost's children).
  for _ in $(seq 120); do
    if ! kill -0 "$runner" 2>/dev/null && { [ -z "$apphost" ] || ! kill -0 "$apphost" 2>/dev/null; } \
       && ! pgrep -f "$data" >/dev/null && { [ -z "${api_pids:-}" ] || ! kill -0 $api_pids 2>/dev/null; }; then
      break
    fi
    sleep 0.5
  done
  if pgrep -f "$data" >/dev/null; then
    echo "Still running after 60 s: $(pgrep -af "$data" | head -5)" >&2
    status=1
  fi
  [ "$status" -eq 0 ] && rm -rf "$data" || echo "Kept $data (log: $log)" >&2
  exit "$status"
}
trap stop_stack EXIT
trap 'exit 130' INT TERM

for _ in $(seq 360); do
  grep -q "admin API key" "$log" 2>/dev/null && break
  kill -0 "$runner" 2>/dev/null || { echo "The AppHost stopped:" >&2; tail -20 "$log" >&2; exit 1; }
  sleep 0.5
done
grep -q "admin API key" "$log" || { echo "The stack was not ready in 3 minutes" >&2; tail -20 "$log" >&2; exit 1; }
apphost=$(pgrep -P "$runner" -f FlashSale.AppHost)
key=$(grep -oP 'admin API key\s+\K\S+' "$log")
sed -n '/FlashSale is ready/,/admin API key/p' "$log"

# The replicas' own ports: the report's replica URLs go through the orchestrator's proxy, so the replicas are
# found as this checkout's FlashSale.Api processes started after this AppHost (the admin key is not unique: Aspire
# keeps it in the user secrets) and aimed at on the port they listen on themselves.
start_time() { awk '{ print $22 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
runner_start=$(start_time "$runner")
api_dll="$PWD/FlashSale.Api/bin/Release/net10.0/FlashSale.Api.dll"
declare -A replica_url replica_pid
for pid in $(pgrep -f "$api_dll" || true); do
  env_of() { tr '\0' '\n' 2>/dev/null <"/proc/$pid/environ" | grep -oP "^$1=\K.*" || true; }
  [ "$(start_time "$pid")" -gt "$runner_start" ] && [ "$(env_of FlashSale__AdminApiKey)" = "$key" ] || continue
  name=$(env_of FlashSale__ReplicaName)
  [ -n "$name" ] || continue
  replica_url[$name]=$(env_of ASPNETCORE_URLS | cut -d';' -f1)
  replica_pid[$name]=$pid
done
[ "${#replica_url[@]}" -eq 2 ] || { echo "Found ${#replica_url[@]} replicas, not 2" >&2; exit 1; }
api_pids="${replica_pid[api-1]} ${replica_pid[api-2]}"
pg_pid=$(sed -n 1p "$data/postgres/postmaster.pid")
pg_port=$(sed -n 4p "$data/postgres/postmaster.pid")
redis_pid=""   # redis-server retitles itself; it is the one working in the data folder
for pid in $(pgrep -x redis-server || true); do [ "$(readlink "/proc/$pid/cwd")" = "$data/redis" ] && redis_pid=$pid; done
redis_port=$(ss -ltnpH | grep "pid=$redis_pid," | head -1 | awk '{ print $4 }' | sed 's/.*://')
db="Host=localhost;Port=$pg_port;Username=postgres;Database=flashsale"
psql=("$pg_bin/psql" -h localhost -p "$pg_port" -U postgres -X -q -v ON_ERROR_STOP=1)
echo "api-1 ${replica_url[api-1]} (pid ${replica_pid[api-1]}), api-2 ${replica_url[api-2]} (pid ${replica_pid[api-2]}), PostgreSQL :$pg_port (pid $pg_pid), Redis :$redis_port"
"${psql[@]}" -d flashsale -c "create extension if not exists pg_stat_statements"

one=(--url "${replica_url[api-1]}" --api-pid "${replica_pid[api-1]}")
two=(--url "${replica_url[api-1]}" --url "${replica_url[api-2]}" --api-pid ${replica_pid[api-1]} ${replica_pid[api-2]})
# The audit's own queries stay out of pg_stat_statements' figures.
common=(--admin-key "$key" --database "$db;Options=-c pg_stat_statements.track=none" --postgres-pid "$pg_pid" --connections "$connections" --no-live)

# Runs the load tool, records the command (key and connection string as $KEY and $DB) and the load average.
load() {
  local label=$1; shift
  echo; echo "== $label (load average $(load1))"
  echo "${tool[*]} $* --label $label --report $label.json" | sed -e "s/$key/\$KEY/g" -e "s/$db;Options=-c pg_stat_statements.track=none/\$DB/g" \
    -e "s#${replica_url[api-1]}#\$API1#g" -e "s#${replica_url[api-2]}#\$API2#g" -e 's/--api-pid [0-9 ]*//; s/--postgres-pid [0-9]*//' >>"$commands"
  "${tool[@]}" "$@" --label "$label" --report "$results/$label.json"
  fact "load_$label" "$(load1)"
}

# Warm-up: JIT and connection pools, so the first measured run is not the one paying for them.
"${tool[@]}" --scenario checkout "${two[@]}" "${common[@]}" --items 2000 --duration 2 --label warmup >/dev/null

# 1. Ceilings.
load alive-1 --scenario alive "${one[@]}" "${common[@]}" --duration "$seconds"
load alive-2 --scenario alive "${two[@]}" "${common[@]}" --duration "$seconds"

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

# 2. FlashSale, against one replica and then both.
load checkout-1 --scenario checkout "${one[@]}" "${common[@]}" --items "$checkout_items" --duration "$seconds"
load checkout-2 --scenario checkout "${two[@]}" "${common[@]}" --items "$checkout_items" --duration "$seconds"
load purchase-1 --scenario purchase "${one[@]}" "${common[@]}" --items "$purchase_items" --duration "$seconds"
load purchase-2 --scenario purchase "${two[@]}" "${common[@]}" --items "$purchase_items" --duration "$seconds"
"${psql[@]}" -d flashsale -c "select pg_stat_statements_reset()" >/dev/null
load rush-1 --scenario rush "${one[@]}" "${common[@]}" --items "$items" --shoppers "$shoppers" --duration "$rush_limit"
"${psql[@]}" -d flashsale -P pager=off -c "
  select calls, round(total_exec_time::numeric) as total_ms, round(mean_exec_time::numeric, 3) as mean_ms, rows,
         left(regexp_replace(query, '\s+', ' ', 'g'), 110) as query
  from pg_stat_statements order by total_exec_time desc limit 12" >"$results/pg_stat_statements-rush-1.txt"
load rush-2 --scenario rush "${two[@]}" "${common[@]}" --items "$items" --shoppers "$shoppers" --duration "$rush_limit"

# 3. Optionally, where api-1's time goes during a rush: dotnet-trace's sampled thread stacks, top methods.
if [ -n "${BENCH_PROFILE:-}" ]; then
  tools="$HOME/.dotnet/flashsale-bench-tools"
  [ -x "$tools/dotnet-trace" ] || dotnet tool install dotnet-trace --version 10.0.750501 --tool-path "$tools" >/dev/null
  echo; echo "== rush under dotnet-trace (api-1)"
  echo "dotnet-trace collect -p \$API1_PID --profile dotnet-sampled-thread-time --duration 00:00:00:15   # during a 1-replica rush" >>"$commands"
  # The tool may first wait for the previous sale's end: the trace starts when the rush does.
  "${tool[@]}" --scenario rush "${one[@]}" "${common[@]}" --items "$items" --shoppers "$shoppers" --duration "$rush_limit" \
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
