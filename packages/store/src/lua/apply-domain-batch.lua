--[==[
apply-domain-batch: applies one Kafka batch's events of ONE domain, with the resulting scores, atomically.

KEYS (all carry the same {<domain>} hash tag, so they share one cluster slot)
  KEYS[1]  progress hash   <topic>:<partition> -> highest applied offset (information); fence:<topic>:<partition> -> epoch
  KEYS[2]  seen hash       <source>|<id> -> offset that applied the event (event-id de-duplication)
  KEYS[3]  products set    product ids of the domain
  KEYS[4]  product ranking by momentum (sorted set)
  KEYS[5]  product ranking by value (sorted set)
  KEYS[6]  stalled products set
  KEYS[7..] per scope: aggregate hash, standing hash, score hash, movers (momentum), movers (value)

ARGV[1]  JSON payload (built by planDomainBatch in domain-batch-plan.ts):
  p       "<topic>:<partition>"
  e       fencing epoch of the caller's assignment of that partition
  ev      [[offset, dedupKey], ...]             the events of the batch
  agg     [[keyIndex, [field, amount, ...], [field, t, ...], [field, t, ...]], ...]
          per aggregate hash: fields to add to (sums, counts), to keep the smaller (first event time)
          and the larger of (last times); each hash is read once (HMGET) and written once (HSET)
  st      [[keyIndex, [[entity, timeMs, id, source, gained, json], ...]], ...]  standing: replace if later
  sf      [field, ...]                          the score hash's field names, in the order of `score` values
  score   [[keyIndex, [value, ...]], ...]       score hashes, replaced whole
  rank    [[momentum, value, productId], ...]   product rankings
  stall   [[productId, 1|0], ...]               product stall flags (stalled products set)
  movers  [[keyIndex, [weight, member, ...], keep], ...]  largest contributions (only those that may
          enter the set); keep > 0: the set may now exceed `keep` members, cut it back to them
  products [productId, ...]
ARGV[2]  pub/sub channel announcing the changed scopes

Returns
  {1, applied}          applied: the effects of all events and the scores are written
  {-1}                  fenced: a newer assignment owns the partition; nothing written
  {2, i1, i2, ...}      duplicates: these 0-based event indexes were applied before (their dedup key
                        is known); nothing written. The caller re-plans without them from fresh
                        aggregates and calls again.
Idempotent: a second run with the same payload finds every event applied and writes nothing, which
makes ioredis' re-send of an unanswered script after a reconnect harmless.
]==]
local payload = cjson.decode(ARGV[1])
local partition = payload.p
local epoch = tonumber(payload.e)

-- Variadic commands take their arguments in slices: Lua's unpack() has a stack limit (~8000), and a
-- batch may carry more events, products or fields than that. `size` is even for field/value lists.
local SLICE = 1000
local function sliced(command, key, list, size)
  local replies = {}
  for from = 1, #list, size do
    local got = redis.call(command, key, unpack(list, from, math.min(from + size - 1, #list)))
    if type(got) == 'table' then
      for j = 1, #got do replies[from + j - 1] = got[j] end
    end
  end
  return replies
end
-- '%.17g' keeps every bit of a double (Lua's own number-to-string conversion keeps 14 digits).
local function fmt(x) return string.format('%.17g', x) end

local fenceField = 'fence:' .. partition
local currentEpoch = tonumber(redis.call('HGET', KEYS[1], fenceField) or '-1')
if epoch < currentEpoch then
  return {-1}
end

-- De-duplication by event key only, never by offset: a batch may legitimately be applied after a
-- later one (ioredis re-sends a script after a reconnect; Redis may come back from an older AOF), and
-- every effect is order-independent, so only "was this event applied?" matters.
local eventKeys, seenPairs = {}, {}
local lastOffset = tonumber(redis.call('HGET', KEYS[1], partition) or '-1')
local maxOffset = lastOffset
for i, ev in ipairs(payload.ev) do
  eventKeys[i] = ev[2]
  seenPairs[2 * i - 1] = ev[2]
  seenPairs[2 * i] = ev[1]
  local offset = tonumber(ev[1])
  if offset > maxOffset then maxOffset = offset end
end
local duplicates = {2}
for i, value in ipairs(sliced('HMGET', KEYS[2], eventKeys, SLICE)) do
  if value then duplicates[#duplicates + 1] = i - 1 end
end
if #duplicates > 1 then
  return duplicates
end

if epoch > currentEpoch then
  redis.call('HSET', KEYS[1], fenceField, epoch)
end
sliced('HSET', KEYS[2], seenPairs, SLICE)
if maxOffset > lastOffset then
  redis.call('HSET', KEYS[1], partition, string.format('%.0f', maxOffset))
end

-- Aggregates: each hash is read once and written once, whatever the number of fields, rather than
-- one HINCRBYFLOAT per field.
for _, x in ipairs(payload.agg) do
  local key, adds, mins, maxs = KEYS[x[1]], x[2], x[3], x[4]
  local fields = {}
  for _, list in ipairs({adds, mins, maxs}) do
    for i = 1, #list, 2 do fields[#fields + 1] = list[i] end
  end
  local current = sliced('HMGET', key, fields, SLICE)
  local out, n = {}, 0
  local function put(field, value)
    out[#out + 1] = field
    out[#out + 1] = value
  end
  for i = 1, #adds, 2 do
    n = n + 1
    put(adds[i], fmt(tonumber(current[n] or 0) + adds[i + 1]))
  end
  for i = 1, #mins, 2 do
    n = n + 1
    if not current[n] or mins[i + 1] < tonumber(current[n]) then put(mins[i], string.format('%.0f', mins[i + 1])) end
  end
  for i = 1, #maxs, 2 do
    n = n + 1
    if not current[n] or maxs[i + 1] > tonumber(current[n]) then put(maxs[i], string.format('%.0f', maxs[i + 1])) end
  end
  sliced('HSET', key, out, SLICE)
end

-- Byte-wise string order (not the locale's collation, which Lua's < may use), matching the
-- scoring package's order for ASCII identifiers.
local function bytesAfter(a, b)
  local n = math.min(#a, #b)
  for i = 1, n do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x > y end
  end
  return #a > #b
end
-- Same total order as isLaterEntry in packages/scoring/src/standing.ts.
local function later(timeMs, id, source, gained, held)
  if timeMs ~= held.timeMs then return timeMs > held.timeMs end
  if id ~= held.id then return bytesAfter(id, held.id) end
  if source ~= held.source then return bytesAfter(source, held.source) end
  return gained == 0 and held.gained == true
end
for _, x in ipairs(payload.st) do
  local key, candidates = KEYS[x[1]], x[2]
  local entities = {}
  for i, c in ipairs(candidates) do entities[i] = c[1] end
  local held = sliced('HMGET', key, entities, SLICE)
  local out = {}
  for i, c in ipairs(candidates) do
    if not held[i] or later(c[2], c[3], c[4], c[5], cjson.decode(held[i])) then
      out[#out + 1] = c[1]
      out[#out + 1] = c[6]
    end
  end
  sliced('HSET', key, out, SLICE)
end

-- Every score field is written every time, so HSET replaces the whole hash without a DEL.
local scoreArgs = {}
for _, x in ipairs(payload.score) do
  for i, field in ipairs(payload.sf) do
    scoreArgs[2 * i - 1] = field
    scoreArgs[2 * i] = x[2][i]
  end
  redis.call('HSET', KEYS[x[1]], unpack(scoreArgs))
end
local byMomentum, byValue, stalled, flowing = {}, {}, {}, {}
for _, x in ipairs(payload.rank) do
  byMomentum[#byMomentum + 1] = fmt(x[1])
  byMomentum[#byMomentum + 1] = x[3]
  byValue[#byValue + 1] = fmt(x[2])
  byValue[#byValue + 1] = x[3]
end
sliced('ZADD', KEYS[4], byMomentum, SLICE)
sliced('ZADD', KEYS[5], byValue, SLICE)
for _, x in ipairs(payload.stall) do
  if x[2] == 1 then stalled[#stalled + 1] = x[1] else flowing[#flowing + 1] = x[1] end
end
sliced('SADD', KEYS[6], stalled, SLICE)
sliced('SREM', KEYS[6], flowing, SLICE)
for _, x in ipairs(payload.movers) do
  local members = {}
  for i = 1, #x[2], 2 do
    members[i] = fmt(x[2][i])
    members[i + 1] = x[2][i + 1]
  end
  sliced('ZADD', KEYS[x[1]], members, SLICE)
  if x[3] > 0 then redis.call('ZREMRANGEBYRANK', KEYS[x[1]], 0, -(x[3] + 1)) end
end
sliced('SADD', KEYS[3], payload.products, SLICE)
if #payload.ev > 0 then
  redis.call('PUBLISH', ARGV[2], cjson.encode({p = partition, n = #payload.ev}))
end
return {1, #payload.ev}
