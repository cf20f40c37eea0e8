--[[
  lease: acquires or renews the notifier lease; a new holder gets a new fencing epoch.

  KEYS[1] lease       string: holder id, with a TTL
  KEYS[2] epoch       fencing counter
  ARGV[1] instance id
  ARGV[2] TTL, ms
  Returns: the epoch held (>= 1) when this instance holds the lease now; 0 when another does.
]]
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return tonumber(redis.call('GET', KEYS[2]) or '0')
end
if holder then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return redis.call('INCR', KEYS[2])
