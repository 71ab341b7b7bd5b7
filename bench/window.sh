#!/usr/bin/env bash
# The window-start part of bench.sh: a fresh stack of REPLICAS replicas that opens its own 20-second sales of
# ITEMS items (AutoStart; each created, listed and loaded into Redis 10 s ahead), and the load tool's `window`
# probe watching WINDOWS of them open. Writes RESULTS/window-REPLICAS.json; stops its stack.
#   bench/window.sh REPLICAS RESULTS [WINDOWS] [ITEMS]
set -euo pipefail
cd "$(dirname "$0")/.."
replicas=$1 results=$2 windows=${3:-2} items=${4:-10000}
data=$(mktemp -d /var/tmp/flashsale-window.XXXXXX)
chmod o+x "$data"
log="$data/apphost.log"
stack_replicas=$replicas
stack_settings="--FlashSale:AutoStart=true --FlashSale:SaleDuration=00:00:20 --FlashSale:ItemsPerSale=$items"
source scripts/start-stack.sh

urls=()
for name in "${!replica_url[@]}"; do urls+=(--url "${replica_url[$name]}"); done
dotnet FlashSale.Benchmark/bin/Release/net10.0/FlashSale.Benchmark.dll window "${urls[@]}" --connections 64 \
  --windows "$windows" --label "window-$replicas" --report "$results/window-$replicas.json"
