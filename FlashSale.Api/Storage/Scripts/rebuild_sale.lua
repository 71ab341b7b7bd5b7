-- Reloads a sale's Redis state from PostgreSQL (after Redis lost it, or after an outage during which
-- PostgreSQL decided alone). Purchases keep being committed and mirrored (purchase_committed.lua) between
-- the read of PostgreSQL and this script, so the state given here may be older than what Redis already
-- knows. It therefore only merges: sold items and each user's purchased items are set unions (a purchase
-- counts once whether the snapshot, the mirror or both saw it), purchase keys and holds are set only when
-- absent, and a hold of the snapshot is dropped when its item has been sold since.
-- KEYS: loaded. ARGV: key prefix of the sale (e.g. "flashsale:sale:42:"), key prefix of purchases, ttl ms, now ms, json state
local prefix = ARGV[1]
local purchasePrefix = ARGV[2]
local ttl = ARGV[3]
local now = tonumber(ARGV[4])
local state = cjson.decode(ARGV[5])
for _, p in ipairs(state.purchases) do
  redis.call('SETBIT', prefix .. 'sold', p.i, 1)
  redis.call('SET', purchasePrefix .. p.c, p.j, 'NX', 'PX', ttl)
  local purchased = prefix .. 'user:' .. p.u .. ':purchased'
  redis.call('SADD', purchased, p.i)
  redis.call('PEXPIRE', purchased, ttl)
end
redis.call('PEXPIRE', prefix .. 'sold', ttl)
for _, h in ipairs(state.holds) do
  local remaining = h.e - now
  if remaining > 0 and redis.call('GETBIT', prefix .. 'sold', h.i) == 0 then
    local set = redis.call('SET', prefix .. 'hold:' .. h.i, h.u .. '|' .. h.c .. '|' .. h.e, 'NX', 'PX', remaining)
    if set then
      redis.call('ZADD', prefix .. 'user:' .. h.u .. ':holds', h.e, h.i)
      redis.call('PEXPIRE', prefix .. 'user:' .. h.u .. ':holds', ttl)
    end
  end
end
redis.call('SET', KEYS[1], '1', 'PX', ttl)
return #state.purchases
