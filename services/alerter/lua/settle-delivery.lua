--[[
  settle-delivery: after one attempt of one delivery, removes it (delivered, or given up) or
  reschedules it with its new attempt count.

  KEYS[1] epoch       fencing counter
  KEYS[2] outbox      hash delivery id -> delivery JSON
  KEYS[3] outboxDue   zset delivery id -> next attempt ms
  ARGV[1] epoch held by the caller
  ARGV[2] delivery id
  ARGV[3] 'done' or 'retry'
  ARGV[4] for 'retry': the updated delivery JSON
  ARGV[5] for 'retry': next attempt ms
  Returns: 1 settled; 0 the delivery is gone (settled by someone else); -1 fenced.
]]
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
if redis.call('HEXISTS', KEYS[2], ARGV[2]) == 0 then return 0 end
if ARGV[3] == 'done' then
  redis.call('HDEL', KEYS[2], ARGV[2])
  redis.call('ZREM', KEYS[3], ARGV[2])
else
  redis.call('HSET', KEYS[2], ARGV[2], ARGV[4])
  redis.call('ZADD', KEYS[3], ARGV[5], ARGV[2])
end
return 1
