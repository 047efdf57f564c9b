// The one Lua script behind the gateway's Redis store: every limit of a request in one EVALSHA,
// one round trip, however many limits apply. A take runs in two passes so a refusal charges nothing:
//
//   check  every limit against its counter as it stands (reads only)
//   write  only if every check allowed: each limit's write closure stores its new state
//
// The same script refunds (a delayed request whose client left) and peeks (the admin usage view),
// so an algorithm lives in one place: one entry in the Lua `algorithms` table below and one in
// SCRIPT_ALGORITHMS, with no change to the loop or the reply.
//
//   KEYS  k1 k2 …                                 one counter per limit, all under one hash tag
//   ARGV  op  id1 cost1 aux1 p1…  id2 cost2 aux2 p2…  op: take | refund | peek; the parameter
//                                                   count is the algorithm's `arity`; aux: a take's
//                                                   maxDelayMs, a refund's charged window, else 0
//   reply now  ok1 a1 b1  ok2 a2 b2 …               ok 1 or 0; a, b: the algorithm's two numbers
//
// Time is Redis `TIME`, read once per call: every gateway instance judges by the same clock,
// whatever its own says (redis-scripts.ts on why numbers cross as '%.17g' strings). Every write
// sets the key to expire when its state stops mattering (a GCRA bucket at its TAT, when it is full
// again), so Redis holds no counter that carries no information.

import { InvalidOptionsError } from '../../errors.js'
import type { BucketRule, Decision, LimitRule, TakeRequest, Usage } from './limiter.js'
import { isWindowRule } from './limiter.js'
import { decisionAt, emissionInterval, EPSILON, gcraPeek } from './token-bucket.js'

/**
 * One algorithm, TS side: what it sends after its id, cost and aux, and how it reads its reply.
 * The Lua side of the same id must consume exactly `args(rule).length` parameters.
 */
export interface ScriptAlgorithm {
  readonly id: string
  args (rule: LimitRule): Array<string | number>
  /** A take's reply; `now`: Redis TIME in ms. */
  decide (ok: boolean, a: number, b: number, now: number, request: TakeRequest): Decision
  /** A peek's reply. */
  usage (a: number, b: number, now: number, rule: LimitRule): Usage
  /** What a refund of this ok decision sends as aux (a window counter: the window it charged). */
  refundAux (d: Decision): number
}

export const SCRIPT_ALGORITHMS: Readonly<Record<string, ScriptAlgorithm>> = {
  gcra: {
    id: 'gcra',
    args: rule => [emissionInterval(rule as BucketRule), (rule as BucketRule).burst],
    // a: the TAT after the take (unchanged on a refusal); b: ms a delay-mode take waits, or 0.
    decide (ok, a, b, now, r) {
      if (b > 0) return { ok: true, remaining: 0, resetMs: Math.ceil(a - now - EPSILON), delayMs: b }
      return decisionAt(ok, a, now, r.cost, r.rule as BucketRule)
    },
    usage: (a, _b, now, rule) => gcraPeek(a, now, rule as BucketRule),
    refundAux: () => 0,
  },
}

/** The algorithm a rule asks for, or a clear error for one the script does not have yet. */
export function scriptAlgorithm (rule: LimitRule): ScriptAlgorithm {
  const id = isWindowRule(rule) ? rule.algorithm : 'gcra'
  const algorithm = SCRIPT_ALGORITHMS[id]
  if (algorithm === undefined) throw new InvalidOptionsError(`the Redis rate-limit store has no ${id} algorithm yet`)
  return algorithm
}

const ALGORITHMS = `
local algorithms = {}

-- GCRA (token-bucket.ts): p = interval (ms per token), burst. take: a = TAT after the take (or as
-- it stays), b = ms a delay-mode take waits for its reserved slot (gcraReserve). peek: a = TAT.
local function gcra_tat (key)
  local stored = redis.call('GET', key)
  if stored then return math.max(tonumber(stored), now) end
  return now
end
local function gcra_store (key, tat)
  if tat > now then
    redis.call('SET', key, num(tat), 'PX', string.format('%d', math.ceil(tat - now)))
  else
    redis.call('DEL', key)
  end
end
algorithms.gcra = {
  arity = 2,
  take = function (key, cost, maxDelay, p)
    local interval, burst = tonumber(p[1]), tonumber(p[2])
    local tat = gcra_tat(key)
    local nxt = tat + cost * interval
    local write = function () gcra_store(key, nxt) end
    if cost <= burst and nxt - now <= burst * interval + ${EPSILON} then return 1, nxt, 0, write end
    local late = nxt - now - burst * interval
    if maxDelay > 0 and cost <= burst and late <= maxDelay + ${EPSILON} then
      return 1, nxt, math.max(1, math.ceil(late - ${EPSILON})), write
    end
    return 0, tat, 0, nil
  end,
  refund = function (key, cost, _, p)
    local stored = redis.call('GET', key)
    if stored then gcra_store(key, math.max(tonumber(stored) - cost * tonumber(p[1]), now)) end
  end,
  peek = function (key, _, p) return gcra_tat(key), 0 end,
}
`

export const TAKE_ALL_SCRIPT = `
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local function num (x) return string.format('%.17g', x) end
${ALGORITHMS}
local op = ARGV[1]
local reply = { num(now) }
local writes = {}
local all = true
local i = 2
for k = 1, #KEYS do
  local id = ARGV[i]
  local algo = algorithms[id]
  if not algo then return redis.error_reply('sluice: unknown limit algorithm ' .. tostring(id)) end
  local cost, aux = tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2])
  local p = {}
  for j = 1, algo.arity do p[j] = ARGV[i + 2 + j] end
  i = i + 3 + algo.arity
  if op == 'take' then
    local ok, a, b, write = algo.take(KEYS[k], cost, aux, p)
    reply[#reply + 1] = ok
    reply[#reply + 1] = num(a)
    reply[#reply + 1] = num(b)
    if ok == 1 then writes[#writes + 1] = write else all = false end
  elseif op == 'refund' then
    algo.refund(KEYS[k], cost, aux, p)
  else
    local a, b = algo.peek(KEYS[k], cost, p)
    reply[#reply + 1] = 1
    reply[#reply + 1] = num(a)
    reply[#reply + 1] = num(b)
  end
end
if op == 'take' and all then
  for _, write in ipairs(writes) do write() end
end
return reply
`
