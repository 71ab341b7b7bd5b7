-- Decides a checkout atomically: sold? held by someone else? already held by this user (same code back)?
-- would this user exceed the limit counting live holds and purchases? If free, records the hold.
-- KEYS: loaded, sold bitmap, item hold, user's holds (zset scored by expiry ms), user's purchased items (set)
-- ARGV: item index, user id, new code, now ms, the new hold's expiry ms (never after the sale's end), max items
-- per user, ttl ms of per-sale keys. The hold key lives until that expiry
-- on the caller's clock (PX from its now, not PXAT: the API's and Redis's clocks may differ); decisions read
-- the expiry stored in the key's value.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {'not_loaded'}
end
local index = tonumber(ARGV[1])
local now = tonumber(ARGV[4])
if redis.call('GETBIT', KEYS[2], index) == 1 then
  return {'item_sold'}
end
local hold = redis.call('GET', KEYS[3])
if hold then
  local holder, code, expires = string.match(hold, '^(.*)|(%x+)|(%d+)$')
  if tonumber(expires) > now then
    if holder == ARGV[2] then
      return {'ok', code, expires, 'existing'}
    end
    return {'item_reserved'}
  end
end
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now)
local live = redis.call('ZCARD', KEYS[4])
local bought = redis.call('SCARD', KEYS[5])
if live + bought >= tonumber(ARGV[6]) then
  return {'user_limit_reached'}
end
local expires = tonumber(ARGV[5])
redis.call('SET', KEYS[3], ARGV[2] .. '|' .. ARGV[3] .. '|' .. expires, 'PX', math.max(1, expires - now))
redis.call('ZADD', KEYS[4], expires, index)
redis.call('PEXPIRE', KEYS[4], ARGV[7])
return {'ok', ARGV[3], tostring(expires), 'new'}
