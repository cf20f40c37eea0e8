--[[
  take-budget: takes `amount` units from a fixed-window budget, or nothing when they do not fit, so a
  refused request does not spend what its sender may still use in this window.

  KEYS[1] budget  string: units taken in the current window; expires when the window ends
  ARGV[1] amount  units to take (events of a request, one webhook delivery, one failed verification), >= 1
  ARGV[2] max     units one window holds
  ARGV[3] window  length of a window, ms
  Returns: {taken: 1 or 0, units taken in this window, ms until the window ends}
]]
local amount = tonumber(ARGV[1])
local max = tonumber(ARGV[2])
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if used + amount > max then
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl < 0 then ttl = tonumber(ARGV[3]) end
  return {0, used, ttl}
end
used = redis.call('INCRBY', KEYS[1], amount)
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  ttl = tonumber(ARGV[3])
end
return {1, used, ttl}
