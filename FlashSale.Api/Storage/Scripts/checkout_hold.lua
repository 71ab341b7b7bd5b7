-- Decides a checkout atomically: sold? held by someone else? already held by this user (same code back)?
-- would this user exceed the limit counting live holds and purchases? If free, records the hold.
-- KEYS: loaded, sold bitmap, item hold, user's holds (zset scored by expiry ms), user's purchased items (set)
-- ARGV: item index, user id, new code, now ms, the new hold's expiry ms (never after the sale's end), max items
-- per user, ttl ms of per-sale keys, the new hold's lifetime ms (expiry - now, at least 1). The hold key lives
-- that long on the caller's clock (PX, not PXAT: the API's and Redis's clocks may differ); decisions read the
-- expiry stored in the key's value.
-- Numbers go to Redis as the caller's strings: a Lua number is formatted by printf on its way to a command,
-- which cost a granted checkout a sixth of its Redis time (docs/benchmarks-notes.md, item 25).
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {'not_loaded'}
end
if redis.call('GETBIT', KEYS[2], ARGV[1]) == 1 then
  return {'item_sold'}
end
local hold = redis.call('GET', KEYS[3])
if hold then
  local holder, code, expires = string.match(hold, '^(.*)|(%x+)|(%d+)$')
  if tonumber(expires) > tonumber(ARGV[4]) then
    if holder == ARGV[2] then
      return {'ok', code, expires, 'existing'}
    end
    return {'item_reserved'}
  end
end
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', ARGV[4])
local live = redis.call('ZCARD', KEYS[4])
local bought = redis.call('SCARD', KEYS[5])
if live + bought >= tonumber(ARGV[6]) then
  return {'user_limit_reached'}
end
redis.call('SET', KEYS[3], ARGV[2] .. '|' .. ARGV[3] .. '|' .. ARGV[5], 'PX', ARGV[8])
redis.call('ZADD', KEYS[4], ARGV[5], ARGV[1])
redis.call('PEXPIRE', KEYS[4], ARGV[7])
return {'ok', ARGV[3], ARGV[5], 'new'}
