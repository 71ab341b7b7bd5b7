#!/usr/bin/env bash
# redis-benchmark running FlashSale's checkout script (checkout_hold.lua) as the API calls it, with random items
# and users: the ceiling of a checkout's Redis part. Prints the requests per second.
#   bench/redis-checkout.sh PORT CLIENTS REQUESTS
set -euo pipefail
port=$1 clients=$2 requests=$3
script="$(dirname "$0")/../FlashSale.Api/Storage/Scripts/checkout_hold.lua"
sha=$(redis-cli -p "$port" script load "$(cat "$script")")
redis-cli -p "$port" set bench:loaded 1 >/dev/null
# KEYS: loaded, sold bitmap, item hold, user's holds, user's purchased items
# ARGV: item index, user id, new code, now ms, the hold's expiry ms, max items per user, ttl ms, the hold's lifetime ms.
# The item index is fixed: __rand_int__ is zero-padded, and Redis reads no bit offset with leading zeros; each
# call still holds an item key of its own, for a user of its own.
redis-benchmark -p "$port" -c "$clients" -n "$requests" -r 1000000 --csv \
  evalsha "$sha" 5 bench:loaded bench:sold bench:hold:__rand_int__ bench:user:__rand_int__:holds bench:user:__rand_int__:bought \
  4321 user__rand_int__ 0123456789abcdef0123456789abcdef 1700000000000 1700000300000 10 3600000 300000 \
  | tail -1 | cut -d, -f2 | tr -d '"'
