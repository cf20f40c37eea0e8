--[[
apply-domain-batch: applies one Kafka batch's events of ONE domain atomically.

KEYS[1]  domain progress hash   (<topic>:<partition> -> last applied offset; fence:<topic>:<partition> -> epoch)
KEYS[2]  domain seen-events hash (<source>|<id> -> offset that applied it)
KEYS[3]  domain event-count hash (type -> count)
All three carry the same {<domain>} hash tag, so they live in one cluster slot.

ARGV[1]  "<topic>:<partition>"
ARGV[2]  fencing epoch of the caller's partition assignment
ARGV[3]  number of events N
then N triples: ARGV[4+3i] offset, ARGV[5+3i] dedup key "<source>|<id>", ARGV[6+3i] event type

Returns {status, applied, skipped}
  status  1 = ok, -1 = fenced (a newer epoch owns the partition; nothing written)
  applied events whose effect was written
  skipped events already applied (offset at or below the recorded one, or a known dedup key)

Running the script twice with the same arguments changes nothing the second time, which makes
ioredis' re-send after a reconnect harmless.
]]
local partition = ARGV[1]
local epoch = tonumber(ARGV[2])
local n = tonumber(ARGV[3])

local fenceField = 'fence:' .. partition
local currentEpoch = tonumber(redis.call('HGET', KEYS[1], fenceField) or '-1')
if epoch < currentEpoch then
  return {-1, 0, 0}
end
if epoch > currentEpoch then
  redis.call('HSET', KEYS[1], fenceField, epoch)
end

local lastOffset = tonumber(redis.call('HGET', KEYS[1], partition) or '-1')
local applied, skipped = 0, 0
local maxOffset = lastOffset
for i = 0, n - 1 do
  local offset = tonumber(ARGV[4 + 3 * i])
  local dedupKey = ARGV[5 + 3 * i]
  local eventType = ARGV[6 + 3 * i]
  if offset <= lastOffset or redis.call('HEXISTS', KEYS[2], dedupKey) == 1 then
    skipped = skipped + 1
  else
    redis.call('HSET', KEYS[2], dedupKey, ARGV[4 + 3 * i])
    redis.call('HINCRBY', KEYS[3], eventType, 1)
    applied = applied + 1
  end
  if offset > maxOffset then maxOffset = offset end
end
if maxOffset > lastOffset then
  redis.call('HSET', KEYS[1], partition, string.format('%.0f', maxOffset))
end
return {1, applied, skipped}
