-- Reloads a sale's Redis state from PostgreSQL (after Redis lost it, or after an outage during which
-- PostgreSQL decided alone). Only ever adds knowledge: counts take the larger value, holds and purchase
-- keys are set only when absent, so a purchase mirrored concurrently is not counted twice.
-- KEYS: loaded. ARGV: key prefix of the sale (e.g. "flashsale:sale:42:"), key prefix of purchases, ttl ms, now ms, json state
local prefix = ARGV[1]
local purchasePrefix = ARGV[2]
local ttl = ARGV[3]
local now = tonumber(ARGV[4])
local state = cjson.decode(ARGV[5])
for _, p in ipairs(state.purchases) do
  redis.call('SETBIT', prefix .. 'sold', p.i, 1)
  redis.call('SET', purchasePrefix .. p.c, p.j, 'NX', 'PX', ttl)
end
redis.call('PEXPIRE', prefix .. 'sold', ttl)
for _, u in ipairs(state.users) do
  local key = prefix .. 'user:' .. u.u .. ':bought'
  local current = tonumber(redis.call('GET', key) or '0')
  if u.n > current then
    redis.call('SET', key, u.n, 'PX', ttl)
  end
end
for _, h in ipairs(state.holds) do
  local remaining = h.e - now
  if remaining > 0 then
    local set = redis.call('SET', prefix .. 'hold:' .. h.i, h.u .. '|' .. h.c .. '|' .. h.e, 'NX', 'PX', remaining)
    if set then
      redis.call('ZADD', prefix .. 'user:' .. h.u .. ':holds', h.e, h.i)
      redis.call('PEXPIRE', prefix .. 'user:' .. h.u .. ':holds', ttl)
    end
  end
end
redis.call('SET', KEYS[1], '1', 'PX', ttl)
return #state.purchases
