# Starts a fresh FlashSale stack the way the product runs, for bench.sh and soak.sh, which source this file
# after setting $data (a new folder for the stack's data) and $log (the AppHost's output): the AppHost with
# $stack_replicas API replicas (default two), run from $stack_api_executable when set (a published FlashSale.Api, e.g.
# Native AOT) or else from the solution's build, its data in $data, no hourly sale of its own unless $stack_settings
# says otherwise (AppHost settings, default --FlashSale:AutoStart=false) and the rate limits off. Waits until it is ready,
# sets a trap that stops it all on exit (and deletes $data when the script succeeded), and leaves:
#   key                          the admin API key
#   replica_url[api-1|api-2|…]   each replica's own URL (not the orchestrator's proxy), replica_pid[...] its pid,
#                                api_pids every replica's pid
#   pg_bin pg_pid pg_port db psql   PostgreSQL's binaries, postmaster, port, connection string, psql command
#   redis_pid redis_port
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
stack_replicas=${stack_replicas:-2}
read -ra stack_setting_args <<<"${stack_settings:---FlashSale:AutoStart=false}"
api_command="$PWD/FlashSale.Api/bin/Release/net10.0/FlashSale.Api.dll"
if [ -n "${stack_api_executable:-}" ]; then
  api_command=$(realpath "$stack_api_executable")
  stack_setting_args+=("--Stack:ApiExecutable=$api_command")
fi
dotnet run --project FlashSale.AppHost -c Release --no-build -- --Stack:DataDirectory="$data" --Stack:Replicas="$stack_replicas" \
  --Stack:Port=0 "${stack_setting_args[@]}" --FlashSale:RateLimit:PerClient=0 --FlashSale:RateLimit:PerUser=0 >"$log" 2>&1 &
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
declare -A replica_url replica_pid   # (global: this file is sourced, not called)
for pid in $(pgrep -f "$api_command" || true); do
  env_of() { tr '\0' '\n' 2>/dev/null <"/proc/$pid/environ" | grep -oP "^$1=\K.*" || true; }
  [ "$(start_time "$pid")" -gt "$runner_start" ] && [ "$(env_of FlashSale__AdminApiKey)" = "$key" ] || continue
  name=$(env_of FlashSale__ReplicaName)
  [ -n "$name" ] || continue
  replica_url[$name]=$(env_of ASPNETCORE_URLS | cut -d';' -f1)
  replica_pid[$name]=$pid
done
[ "${#replica_url[@]}" -eq "$stack_replicas" ] || { echo "Found ${#replica_url[@]} replicas, not $stack_replicas" >&2; exit 1; }
api_pids="${replica_pid[*]}"
pg_pid=$(sed -n 1p "$data/postgres/postmaster.pid")
pg_port=$(sed -n 4p "$data/postgres/postmaster.pid")
redis_pid=""   # redis-server retitles itself; it is the one working in the data folder
for pid in $(pgrep -x redis-server || true); do [ "$(readlink "/proc/$pid/cwd")" = "$data/redis" ] && redis_pid=$pid; done
redis_port=$(ss -ltnpH | grep "pid=$redis_pid," | head -1 | awk '{ print $4 }' | sed 's/.*://')
db="Host=localhost;Port=$pg_port;Username=postgres;Database=flashsale"
psql=("$pg_bin/psql" -h localhost -p "$pg_port" -U postgres -X -q -v ON_ERROR_STOP=1)
for name in "${!replica_url[@]}"; do echo "$name ${replica_url[$name]} (pid ${replica_pid[$name]})"; done
echo "PostgreSQL :$pg_port (pid $pg_pid), Redis :$redis_port (pid $redis_pid)"
"${psql[@]}" -d flashsale -c "create extension if not exists pg_stat_statements"

