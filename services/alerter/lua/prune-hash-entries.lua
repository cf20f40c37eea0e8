--[[
  prune-hash-entries: deletes hash fields only while they still hold the value the caller judged stale,
  so a record replaced meanwhile (a pause set again for the same scope) is never lost to the prune.

  KEYS[1] hash        (the alerter's pauses or silences)
  ARGV    field, expected value, field, expected value, ...
  Returns: the number of fields deleted.
]]
local deleted = 0
for i = 1, #ARGV, 2 do
  if redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[i + 1] then
    deleted = deleted + redis.call('HDEL', KEYS[1], ARGV[i])
  end
end
return deleted
