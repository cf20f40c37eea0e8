--[[
  release-lease: gives the lease up at shutdown, so another instance takes over at once.

  KEYS[1] lease       string: holder id
  ARGV[1] instance id
  Returns: 1 released; 0 not held by this instance.
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
