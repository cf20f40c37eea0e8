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
  inc     [[keyIndex, field, "delta"], ...]     HINCRBYFLOAT (anchored sums)
  cnt     [[keyIndex, field, n], ...]           HINCRBY (counts)
  min/max [[keyIndex, field, value], ...]       keep the smaller / larger value
  st      [[keyIndex, entity, timeMs, id, source, gained, json], ...]  standing: replace if later
  score   [[keyIndex, [field, value, ...]], ...] score hashes, replaced whole
  rank    [[momentum, value, productId], ...]   product rankings
  stall   [[productId, 1|0], ...]               product stall flags (stalled products set)
  movers  [[keyIndex, weight, member], ...]     largest contributions; each set trimmed to `keep`
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

local fenceField = 'fence:' .. partition
local currentEpoch = tonumber(redis.call('HGET', KEYS[1], fenceField) or '-1')
if epoch < currentEpoch then
  return {-1}
end

-- De-duplication by event key only, never by offset: a batch may legitimately be applied after a
-- later one (ioredis re-sends a script after a reconnect; Redis may come back from an older AOF), and
-- every effect is order-independent, so only "was this event applied?" matters.
local lastOffset = tonumber(redis.call('HGET', KEYS[1], partition) or '-1')
-- Event keys are looked up and recorded in chunks: one call per CHUNK events rather than per event
-- (and within Lua's limit on unpack()ed arguments).
local CHUNK = 500
local duplicates = {2}
for from = 1, #payload.ev, CHUNK do
  local to = math.min(from + CHUNK - 1, #payload.ev)
  local ids = {}
  for i = from, to do ids[#ids + 1] = payload.ev[i][2] end
  local seen = redis.call('HMGET', KEYS[2], unpack(ids))
  for j, value in ipairs(seen) do
    if value then duplicates[#duplicates + 1] = from + j - 2 end
  end
end
if #duplicates > 1 then
  return duplicates
end

if epoch > currentEpoch then
  redis.call('HSET', KEYS[1], fenceField, epoch)
end

local maxOffset = lastOffset
for from = 1, #payload.ev, CHUNK do
  local pairs_ = {}
  for i = from, math.min(from + CHUNK - 1, #payload.ev) do
    local ev = payload.ev[i]
    pairs_[#pairs_ + 1] = ev[2]
    pairs_[#pairs_ + 1] = ev[1]
    local offset = tonumber(ev[1])
    if offset > maxOffset then maxOffset = offset end
  end
  redis.call('HSET', KEYS[2], unpack(pairs_))
end
if maxOffset > lastOffset then
  redis.call('HSET', KEYS[1], partition, string.format('%.0f', maxOffset))
end

for _, x in ipairs(payload.inc) do redis.call('HINCRBYFLOAT', KEYS[x[1]], x[2], x[3]) end
for _, x in ipairs(payload.cnt) do redis.call('HINCRBY', KEYS[x[1]], x[2], x[3]) end
for _, x in ipairs(payload.min) do
  local cur = redis.call('HGET', KEYS[x[1]], x[2])
  if not cur or x[3] < tonumber(cur) then redis.call('HSET', KEYS[x[1]], x[2], string.format('%.0f', x[3])) end
end
for _, x in ipairs(payload.max) do
  local cur = redis.call('HGET', KEYS[x[1]], x[2])
  if not cur or x[3] > tonumber(cur) then redis.call('HSET', KEYS[x[1]], x[2], string.format('%.0f', x[3])) end
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
  local cur = redis.call('HGET', KEYS[x[1]], x[2])
  if not cur or later(x[3], x[4], x[5], x[6], cjson.decode(cur)) then
    redis.call('HSET', KEYS[x[1]], x[2], x[7])
  end
end

-- Every score field is written every time, so HSET replaces the whole hash without a DEL.
for _, x in ipairs(payload.score) do
  redis.call('HSET', KEYS[x[1]], unpack(x[2]))
end
for _, x in ipairs(payload.rank) do
  redis.call('ZADD', KEYS[4], x[1], x[3])
  redis.call('ZADD', KEYS[5], x[2], x[3])
end
for _, x in ipairs(payload.stall) do
  if x[2] == 1 then redis.call('SADD', KEYS[6], x[1]) else redis.call('SREM', KEYS[6], x[1]) end
end
local trimmed = {}
for _, x in ipairs(payload.movers) do
  redis.call('ZADD', KEYS[x[1]], x[2], x[3])
  trimmed[x[1]] = true
end
for k, _ in pairs(trimmed) do
  redis.call('ZREMRANGEBYRANK', KEYS[k], 0, -(payload.keep + 1))
end
if #payload.products > 0 then
  redis.call('SADD', KEYS[3], unpack(payload.products))
end
if #payload.ev > 0 then
  redis.call('PUBLISH', ARGV[2], cjson.encode({p = partition, n = #payload.ev}))
end
return {1, #payload.ev}
