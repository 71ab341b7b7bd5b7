-- The crowds the bench drives with wrk, so that the client costs little beside the service it measures:
--   wrk -t2 -c64 -d30s -s bench/crowd.lua $API -- SALE_ID ITEMS FIRST_THREAD ALL_THREADS SEED [MODE]
-- MODE rush (the default): each wrk thread is a crowd of shoppers going through every item of the sale in an order of
-- its own (so threads race for items as shoppers do), buying what it got before checking out more; an item refused
-- (held or sold) is dropped. Ten checkouts per user id, so nobody meets the limit. Once its items are tried, its codes
-- bought and every checkout and purchase answered, a thread prints "thread done" and stops; until then a connection
-- with nothing to do reads GET /sales/current. wrk itself runs for its whole -d unless interrupted: the load tool
-- sends it SIGINT once every thread is done.
-- MODE checkout: checkouts only for the whole -d, the threads sharing out the items in order (thread t of T takes
-- items t, t + T, ...), ten per user; past the last item the walk starts again with new users, who are refused.
-- MODE alive: GET /alive for the whole -d (SALE_ID and ITEMS are 0): the ceiling the others are compared with.
-- Every 100 answers a thread prints "progress ANSWERS SOLD" (since its last such line), for the tool's timeline;
-- done() prints one line of JSON: what the tool needs for its audit and report.

local threads = {}

function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
end

checkouts_sent, checkout_answers, granted, purchases_sent, purchases_ok, purchases_refused, looks, failures = 0, 0, 0, 0, 0, 0, 0, 0
problems = {}

local sale, shopper, order, next_item, codes, stopped = nil, 0, {}, 1, {}, false
local mode, items, all_threads, walked = "rush", 0, 1, 0
local unreported_answers, unreported_sold = 0, 0

local function report_progress(force)
  if force or unreported_answers >= 100 then
    io.write(string.format("progress %d %d\n", unreported_answers, unreported_sold))
    io.flush()
    unreported_answers, unreported_sold = 0, 0
  end
end

function init(args)
  sale = args[1]
  local first, seed = tonumber(args[3]), tonumber(args[5])
  items, all_threads, mode = tonumber(args[2]), tonumber(args[4]), args[6] or "rush"
  shopper = first + index
  verifying = index == 0
  if mode ~= "rush" then
    return
  end
  math.randomseed(seed * 1000003 + shopper)
  for item = 0, items - 1 do
    order[item + 1] = item
  end
  for i = #order, 2, -1 do
    local j = math.random(i)
    order[i], order[j] = order[j], order[i]
  end
end

-- wrk calls the first thread's request() once before any connection, to check the script: that call sends nothing.
function request()
  if verifying then
    verifying = false
    return wrk.format("GET", "/sales/current")
  end
  if mode == "alive" then
    return wrk.format("GET", "/alive")
  end
  if mode == "checkout" then
    local n = shopper + walked * all_threads
    walked = walked + 1
    local item, pass = n % items, math.floor(n / items)
    checkouts_sent = checkouts_sent + 1
    return wrk.format("POST", string.format("/checkout?user_id=wrk-%d-%d&id=%s-%06d", pass, math.floor(item / 10), sale, item))
  end
  if #codes > 0 then
    purchases_sent = purchases_sent + 1
    return wrk.format("POST", "/purchase?code=" .. table.remove(codes))
  end
  if next_item <= #order then
    local item = order[next_item]
    next_item = next_item + 1
    local user = string.format("wrk-%d-%d", shopper, math.floor(checkouts_sent / 10))
    checkouts_sent = checkouts_sent + 1
    return wrk.format("POST", string.format("/checkout?user_id=%s&id=%s-%06d", user, sale, item))
  end
  looks = looks + 1
  return wrk.format("GET", "/sales/current")
end

-- A checkout's answer names its expiry, a purchase's its purchase id; among refusals only a purchase's speak of
-- its code.
function response(status, headers, body)
  unreported_answers = unreported_answers + 1
  if mode == "alive" then
    if status ~= 200 then
      failures = failures + 1
    end
    report_progress(false)
    return
  end
  if status >= 500 then
    failures = failures + 1
  elseif status == 200 then
    if body:find('"purchase_id"', 1, true) then
      purchases_ok = purchases_ok + 1
      unreported_sold = unreported_sold + 1
    elseif body:find('"expires_at"', 1, true) then
      checkout_answers = checkout_answers + 1
      granted = granted + 1
      if mode == "rush" then
        table.insert(codes, body:match('"code":"([^"]+)"'))
      end
    end
  else
    local problem = body:match('"code":"([^"]+)"') or tostring(status)
    problems[problem] = (problems[problem] or 0) + 1
    if problem == "code_expired" or problem == "code_not_found" then
      purchases_refused = purchases_refused + 1
    else
      checkout_answers = checkout_answers + 1
    end
  end
  report_progress(false)
  if mode == "rush" and not stopped and next_item > #order and #codes == 0 and checkout_answers >= checkouts_sent
      and purchases_ok + purchases_refused >= purchases_sent then
    stopped = true
    report_progress(true)
    io.write("thread done\n")
    io.flush()
    wrk.thread:stop()
  end
end

local counters = { "checkouts_sent", "checkout_answers", "granted", "purchases_sent", "purchases_ok", "purchases_refused", "looks", "failures" }

function done(summary, latency, requests)
  local total, refused = {}, {}
  for _, name in ipairs(counters) do
    total[name] = 0
  end
  for _, thread in ipairs(threads) do
    for _, name in ipairs(counters) do
      total[name] = total[name] + thread:get(name)
    end
    for problem, count in pairs(thread:get("problems")) do
      refused[problem] = (refused[problem] or 0) + count
    end
  end
  local fields = {}
  for _, name in ipairs(counters) do
    table.insert(fields, string.format('"%s":%d', name, total[name]))
  end
  local problem_fields = {}
  for problem, count in pairs(refused) do
    table.insert(problem_fields, string.format('"%s":%d', problem, count))
  end
  local errors = summary.errors
  io.write(string.format(
    '{%s,"problems":{%s},"requests":%d,"duration_us":%d,"transport_errors":%d,"timeouts":%d,'
      .. '"p50_us":%d,"p90_us":%d,"p99_us":%d,"p999_us":%d,"max_us":%d}\n',
    table.concat(fields, ","), table.concat(problem_fields, ","), summary.requests, summary.duration,
    errors.connect + errors.read + errors.write, errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9), latency.max))
end
