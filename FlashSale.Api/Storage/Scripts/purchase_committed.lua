-- Mirrors a committed purchase into Redis once (the purchase key doubles as the guard), so later
-- checkouts of the item are refused and a repeated code is answered without PostgreSQL. The user's
-- purchases are a set of item indexes, not a counter: this may run before, during or after a reload of
-- the sale (rebuild_sale.lua) from a PostgreSQL snapshot that may or may not include this purchase, and
-- a set union counts it once either way, where a counter started from zero in an emptied Redis lost it.
-- KEYS: purchase by code, sold bitmap, item hold, user's holds, user's purchased items (set)
-- ARGV: purchase json, item index, ttl ms, code (numbers as strings, as in checkout_hold.lua)
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[3]) then
  redis.call('SETBIT', KEYS[2], ARGV[2], '1')
  redis.call('PEXPIRE', KEYS[2], ARGV[3])
  redis.call('SADD', KEYS[5], ARGV[2])
  redis.call('PEXPIRE', KEYS[5], ARGV[3])
  redis.call('ZREM', KEYS[4], ARGV[2])
  local hold = redis.call('GET', KEYS[3])
  if hold and string.find(hold, '|' .. ARGV[4] .. '|', 1, true) then
    redis.call('DEL', KEYS[3])
  end
  return 1
end
return 0
