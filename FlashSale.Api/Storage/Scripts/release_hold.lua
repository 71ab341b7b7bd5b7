-- Gives an item back when its checkout could not be stored (the shopper got a 503, not the code).
-- KEYS: item hold, user's holds. ARGV: code, item index
local hold = redis.call('GET', KEYS[1])
if hold and string.find(hold, '|' .. ARGV[1] .. '|', 1, true) then
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[2], ARGV[2])
  return 1
end
return 0
