#!/usr/bin/env bash
# redis-benchmark running FlashSale's checkout script (checkout_hold.lua) as the API calls it, with random items
# and users: the ceiling of a checkout's Redis part. Prints the requests per second.
#   bench/redis-checkout.sh PORT CLIENTS REQUESTS
set -euo pipefail
port=$1 clients=$2 requests=$3
script="$(dirname "$0")/../FlashSale.Api/Storage/Scripts/checkout_hold.lua"
sha=$(redis-cli -p "$port" script load "$(cat "$script")")
redis-cli -p "$port" set bench:loaded 1 >/dev/null
# KEYS: loaded, sold bitmap, item hold, user's holds, user's purchase count
# ARGV: item index, user id, new code, now ms, hold ms, max items per user, ttl ms
redis-benchmark -p "$port" -c "$clients" -n "$requests" -r 1000000 --csv \
  evalsha "$sha" 5 bench:loaded bench:sold bench:hold:__rand_int__ bench:user:__rand_int__:holds bench:user:__rand_int__:bought \
  __rand_int__ user__rand_int__ 0123456789abcdef0123456789abcdef 1700000000000 300000 10 3600000 \
  | tail -1 | cut -d, -f2 | tr -d '"'
