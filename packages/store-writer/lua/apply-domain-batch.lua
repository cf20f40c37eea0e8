--[==[
apply-domain-batch: applies one Kafka batch's events of ONE domain, with the resulting scores, atomically.

KEYS (all carry the same {<domain>} hash tag, so they share one cluster slot)
  KEYS[1]  progress hash   <topic>:<partition> -> highest applied offset (information); fence:<topic>:<partition> -> epoch;
                           version -> number of batches applied to the domain
  KEYS[2]  products set    product ids of the domain
  KEYS[3]  product ranking by momentum (sorted set)
  KEYS[4]  product ranking by value (sorted set)
  KEYS[5]  stalled products set
  KEYS[6..] seen hashes of the de-duplication periods the batch looks in (<source>|<id> -> offset);
           then per scope: score hash, aggregate hash, standing hash, movers (momentum, value)

ARGV[1]  JSON payload (built by planDomainBatch in domain-batch-plan.ts):
  p       "<topic>:<partition>"
  e       fencing epoch of the caller's assignment of that partition
  v       the domain's version the caller's values were computed from
  ev      [offset, dedupKey, own, previous, next, offset, ...]  the events of the batch, five values
          each, in one flat list (no table per event to decode): own, previous and next are the key
          indexes of the seen hashes of the record's period and its two neighbours (looked up in all
          three, recorded in own: record timestamps of copies may go backwards)
  seenEnd [[keyIndex, periodEndMs], ...]        the seen hashes recorded in, with the end of their period
  window  the de-duplication period, ms. A seen hash expires two periods after its own ends (the next
          period's records look in it, and may be processed up to a period late), or a day after now
          when that is later (a rebuild replaying long-past periods keeps only what it still needs)
  agg     [[keyIndex, [field, value, ...]], ...]  per aggregate hash, the fields the batch changed,
          with their values after it (and the fold buckets of retention, after them)
  del     [[keyIndex, [field, ...]], ...]       aggregate fields retention removed (old day buckets and
          counts; docs/redis-contract.md, "Memory"), deleted after `agg` is written
  st      [[keyIndex, [entity, json, ...]], ...]    standing entries the batch made the latest
  d       the domain (named in the change notifications)
  q       the domain's `seq` the caller's last score writes were made at (score writes are differences)
  at      the scores' asOfMs (a string, as the score hash's `asOfMs` holds it)
  sf      [field, ...]                          the score hash's field names (bit i - 1 of a mask: field i)
  score   [[keyIndex, scopeId, mask, since, value, ...], ...]  per touched scope, the values of the
          score hash's fields that differ from the caller's last write of it (all of them when it
          does not know it: the hash then ends as if replaced whole), in `sf` order, `mask` naming them.
          since > 0: the stall's flag may have flipped, and the values hold `stalled`, `stallReason`,
          `stalledSinceMs` in a row, the last one's (at place `since` of the entry) filled in here: the
          held value while the scope stays stalled, asOfMs when it becomes stalled, empty when not
          stalled. since = 0: the flag is as held, and so is the start
  rankM   [score, productId, ...]               product ranking by momentum, ZADD's arguments as they
          are, for the products whose momentum score differs from the caller's last write
  rankV   [score, productId, ...]               product ranking by value, the same
  stall   [[productId, 1|0], ...]               product stall flags (stalled products set) that changed
  movers  [[keyIndex, [weight, member, ...], keep], ...]  largest contributions (only those that may
          enter the set), ZADD's arguments as they are; keep > 0: the set may now exceed `keep`
          members, cut it back to them
  products [productId, ...]
  Scores of sorted sets (rankM, rankV, movers weights) are strings, the shortest decimal that reads
  back as the same double: ZADD parses them once and stores that double (no decoding and formatting
  of a number here).
ARGV[2]  pub/sub channel announcing the changed scopes

Notifications (ARGV[2], after every successful call, with events or without: the periodic refresh
moves scores by decay alone): one `scores` message naming the domain and the scopes whose score hashes
were rewritten (`all` instead of the list when there are more than 100), and one `stall` message per
scope whose `stalled` flag flipped. Both carry `seq`, the domain's `seq` progress field after this call
(+1 per call), so a reader that sees a gap knows it missed a message of the domain.
docs/redis-contract.md ("Change notifications") documents the JSON.

Returns
  {1, applied}          applied: the effects of all events and the scores are written; version + 1
  {-1}                  fenced: a newer assignment owns the partition; nothing written
  {3, version}          stale: Redis holds another version or seq of the domain than the caller's values
                        were computed from (a write the caller did not see, or one Redis lost); nothing
                        written. The caller reads the domain again and re-plans.
  {2, i1, i2, ...}      duplicates: these 0-based event indexes were applied before (their dedup key
                        is known); nothing written. The caller re-plans without them from fresh
                        aggregates and calls again.
Idempotent: a second run of a batch finds the version moved on and writes nothing (a refresh, which
changes no aggregate, writes the same scores again).
De-duplication is bounded in time: a copy of an event is recognised when the records' periods are the
same or adjacent, i.e. always within one period of the first copy (either way), and never beyond two.

Values, not increments: the caller keeps an exact mirror of the domain (one writer per partition, by
fencing) and sends each changed field's new value, so the script does no reads or arithmetic per field.
The version check makes that safe: values computed from anything but what Redis holds are refused.
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

local fenceField = 'fence:' .. partition
local currentEpoch = tonumber(redis.call('HGET', KEYS[1], fenceField) or '-1')
if epoch < currentEpoch then
  return {-1}
end
local version = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
-- The score writes carry only the fields that differ from the caller's last write, so the calls since
-- (seq) must be the ones the caller knows of, as well as the batches (version).
local seqHeld = tonumber(redis.call('HGET', KEYS[1], 'seq') or '0')
if version ~= tonumber(payload.v) or seqHeld ~= tonumber(payload.q) then
  return {3, version}
end

-- De-duplication by event key, never by offset: the same event may reach Kafka twice (producer or
-- webhook retries) at different offsets. (Re-sent or stale batches are refused by the version check.)
local lastOffset = tonumber(redis.call('HGET', KEYS[1], partition) or '-1')
local maxOffset = lastOffset
-- Each event is looked up in the seen hashes of its record's period and both neighbours: the keys are
-- collected per hash (one HMGET per hash however the batch's periods interleave), with counters rather
-- than `#` (a search per append). The next period's hash rarely exists yet (nor, early in a period, the
-- previous one's): one EXISTS per hash spares collecting keys for a HMGET that can only answer nil.
local lookups, lookupOrder, records, recordCounts = {}, {}, {}, {}
local function lookIn(k, i, dedupKey)
  local l = lookups[k]
  if l == nil then
    l = redis.call('EXISTS', KEYS[k]) == 1 and {keys = {}, events = {}, n = 0} or false
    lookups[k] = l
    if l then lookupOrder[#lookupOrder + 1] = k end
  end
  if l then
    local n = l.n + 1
    l.n = n
    l.keys[n] = dedupKey
    l.events[n] = i
  end
end
local ev = payload.ev
local eventCount = #ev / 5
for i = 1, eventCount do
  local b = 5 * (i - 1)
  local dedupKey, own = ev[b + 2], ev[b + 3]
  lookIn(own, i, dedupKey)
  lookIn(ev[b + 4], i, dedupKey)
  lookIn(ev[b + 5], i, dedupKey)
  local r, n = records[own], recordCounts[own]
  if not r then r = {}; records[own] = r; n = 0 end
  r[n + 1] = dedupKey
  r[n + 2] = ev[b + 1]
  recordCounts[own] = n + 2
  local offset = tonumber(ev[b + 1])
  if offset > maxOffset then maxOffset = offset end
end
local seen = {}
for _, k in ipairs(lookupOrder) do
  local l = lookups[k]
  local got = sliced('HMGET', KEYS[k], l.keys, SLICE)
  for j = 1, l.n do
    if got[j] then seen[l.events[j]] = true end
  end
end
local duplicates = {2}
for i = 1, eventCount do
  if seen[i] then duplicates[#duplicates + 1] = i - 1 end
end
if #duplicates > 1 then
  return duplicates
end

if epoch > currentEpoch then
  redis.call('HSET', KEYS[1], fenceField, epoch)
end
local now = redis.call('TIME')
local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
for _, x in ipairs(payload.seenEnd) do
  sliced('HSET', KEYS[x[1]], records[x[1]], SLICE)
  redis.call('PEXPIREAT', KEYS[x[1]], string.format('%.0f', math.max(x[2] + 2 * payload.window, nowMs + 86400000)))
end
if maxOffset > lastOffset then
  redis.call('HSET', KEYS[1], partition, string.format('%.0f', maxOffset))
end

for _, x in ipairs(payload.agg) do sliced('HSET', KEYS[x[1]], x[2], SLICE) end
for _, x in ipairs(payload.del) do sliced('HDEL', KEYS[x[1]], x[2], SLICE) end
for _, x in ipairs(payload.st) do sliced('HSET', KEYS[x[1]], x[2], SLICE) end
if eventCount > 0 then
  redis.call('HSET', KEYS[1], 'version', version + 1)
end

local MAX_LISTED = 100
local changed, transitions = {}, {}
local asOfMs
if #payload.score > 0 then asOfMs = tonumber(payload.at) end
local sf = payload.sf
local fieldCount = #sf
-- One table of HSET arguments for every scope (unpack takes its first n).
local args = {}
for _, x in ipairs(payload.score) do
  local since = x[4]
  -- The stall's flag may flip (its flag, reason and start are sent, the start as a placeholder): the
  -- previous flag decides the transition and whether the stall's start carries over.
  if since > 0 then
    local held = redis.call('HMGET', KEYS[x[1]], 'stalled', 'stalledSinceMs', 'stallReason')
    local was, now = held[1] == '1', x[since - 2] == '1'
    if now then x[since] = (was and held[2]) or payload.at else x[since] = '' end
    if was ~= now then
      transitions[#transitions + 1] = {
        t = 'stall', d = payload.d, scope = x[2], stalled = now, atMs = asOfMs,
        reason = now and x[since - 1] or (held[3] or ''),
        sinceMs = tonumber(now and x[since] or held[2]) or asOfMs,
      }
    end
  end
  changed[#changed + 1] = x[2]
  -- Bit i - 1 of the mask: field i is sent, its value next in the entry.
  local mask, n, at = x[3], 0, 5
  for i = 1, fieldCount do
    if mask == 0 then break end
    local bit = mask % 2
    if bit == 1 then
      args[n + 1] = sf[i]
      args[n + 2] = x[at]
      n = n + 2
      at = at + 1
    end
    mask = (mask - bit) / 2
  end
  if n > 0 then redis.call('HSET', KEYS[x[1]], unpack(args, 1, n)) end
end
local stalled, flowing = {}, {}
sliced('ZADD', KEYS[3], payload.rankM, SLICE)
sliced('ZADD', KEYS[4], payload.rankV, SLICE)
for _, x in ipairs(payload.stall) do
  if x[2] == 1 then stalled[#stalled + 1] = x[1] else flowing[#flowing + 1] = x[1] end
end
sliced('SADD', KEYS[5], stalled, SLICE)
sliced('SREM', KEYS[5], flowing, SLICE)
for _, x in ipairs(payload.movers) do
  sliced('ZADD', KEYS[x[1]], x[2], SLICE)
  if x[3] > 0 then redis.call('ZREMRANGEBYRANK', KEYS[x[1]], 0, -(x[3] + 1)) end
end
sliced('SADD', KEYS[2], payload.products, SLICE)
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
local message = {t = 'scores', d = payload.d, seq = seq, asOfMs = asOfMs, p = partition, n = eventCount}
if #changed <= MAX_LISTED then message.s = changed else message.all = true end
redis.call('PUBLISH', ARGV[2], cjson.encode(message))
for _, transition in ipairs(transitions) do
  transition.seq = seq
  redis.call('PUBLISH', ARGV[2], cjson.encode(transition))
end
return {1, eventCount}
