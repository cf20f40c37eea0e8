--[[
  release-delivery: frees a webhook delivery's claim when sending it failed, so the tool's retry is
  processed; only while the claim is still this request's own (a compare-and-delete), so it never erases
  the `done` marker or the claim of another request that took the key after this one's claim expired.

  KEYS[1] delivery  string: the claim token of the request holding it, or `done`
  ARGV[1] claim     this request's claim token
  Returns: 1 released; 0 the key holds something else (or nothing), left as it is.
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
