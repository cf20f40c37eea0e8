--[[
  commit-evaluation: writes one evaluation's outcome atomically, so a crash between deciding and
  delivering loses nothing (the deliveries are in the outbox with the state that decided them).

  KEYS[1] epoch       fencing counter
  KEYS[2] alerts      hash fingerprint -> state JSON
  KEYS[3] outbox      hash delivery id -> delivery JSON
  KEYS[4] outboxDue   zset delivery id -> next attempt ms
  ARGV[1] epoch held by the caller
  ARGV[2] number of states S, then S pairs (fingerprint, JSON)
  then    number of forgotten F, then F fingerprints
  then    number of deliveries D, then D triples (id, JSON, due ms)
  Returns: 1 written; -1 fenced (another instance holds a newer epoch: nothing written).
]]
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
local i = 2
local s = tonumber(ARGV[i]); i = i + 1
for _ = 1, s do
  redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]); i = i + 2
end
local f = tonumber(ARGV[i]); i = i + 1
for _ = 1, f do
  redis.call('HDEL', KEYS[2], ARGV[i]); i = i + 1
end
local d = tonumber(ARGV[i]); i = i + 1
for _ = 1, d do
  -- HSETNX: a delivery already queued (a replayed decision) is not queued twice.
  if redis.call('HSETNX', KEYS[3], ARGV[i], ARGV[i + 1]) == 1 then
    redis.call('ZADD', KEYS[4], ARGV[i + 2], ARGV[i])
  end
  i = i + 3
end
return 1
