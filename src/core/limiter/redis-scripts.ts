// The Lua scripts behind the Redis store, one per operation, each atomic on one key. They repeat
// token-bucket.ts's GCRA test and write; the TS side reads decisions off what they return.
//
// Time comes from Redis `TIME`, not from the caller: N gateway instances on machines whose clocks
// disagree by a second would otherwise each see buckets refilled (or drained) by that second. One
// clock, the server's, makes every instance agree. Redis < 5 refuses writes after a
// non-deterministic command unless the script switches to effects replication first; newer Redis
// always replicates effects, so the call is guarded.
//
// Numbers cross the boundary as '%.17g' strings: Redis truncates Lua numbers in replies to
// integers, and Lua's tostring keeps only 14 digits (0.1ms of a millisecond epoch).

import { EPSILON } from './token-bucket.js'

const PRELUDE = `
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local stored = redis.call('GET', KEYS[1])
local function num (x) return string.format('%.17g', x) end
local function store (tat, slack)
  if tat > now then
    redis.call('SET', KEYS[1], num(tat), 'PX', string.format('%d', math.ceil(tat - now) + slack))
  else
    redis.call('DEL', KEYS[1])
  end
end
`

/** KEYS[1] bucket; ARGV cost, interval (ms per token), burst, TTL slack (ms) → {allowed, tat, now}. */
export const TAKE_SCRIPT = `${PRELUDE}
local cost, interval, burst, slack = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local tat = now
if stored then tat = math.max(tonumber(stored), now) end
local nxt = tat + cost * interval
if cost <= burst and nxt - now <= burst * interval + ${EPSILON} then
  store(nxt, slack)
  return {1, num(nxt), num(now)}
end
return {0, num(tat), num(now)}
`

/** KEYS[1] bucket; ARGV cost, interval, TTL slack. A bucket never seen is full: nothing to refund. */
export const REFUND_SCRIPT = `${PRELUDE}
if not stored then return 0 end
local cost, interval, slack = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
store(math.max(tonumber(stored) - cost * interval, now), slack)
return 1
`

/** KEYS[1] bucket; ARGV forMs, interval, burst, TTL slack. Keeps a longer pause already there. */
export const PAUSE_SCRIPT = `${PRELUDE}
local forMs, interval, burst, slack = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local tat = now + forMs + (burst - 1) * interval
if stored then tat = math.max(tonumber(stored), tat) end
store(tat, slack)
return 1
`
