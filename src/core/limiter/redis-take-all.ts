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
//   ARGV  op at  id1 cost1 aux1 p1…  id2 …          op: take | refund | peek; at: '' (see below);
//                                                   the parameter count is the algorithm's `arity`;
//                                                   aux: a take's maxDelayMs, a refund's charged
//                                                   window, else 0
//   reply now  ok1 a1 b1  ok2 a2 b2 …               ok 1 or 0; a, b: the algorithm's two values
//
// Time is Redis `TIME`, read once per call: every gateway instance judges by the same clock,
// whatever its own says (redis-scripts.ts on why numbers cross as '%.17g' strings). `at` replaces
// it only for a store created with a `now` function, which tests use to replay a sequence on a
// ManualClock; nothing in the config reaches it, since instances on their own clocks would not
// agree. Window algorithms cut windows on that time exactly as period.ts does (UTC, calendar
// months by civil-date arithmetic), and send back the counter as it stood: the TS side reads the
// whole decision off it with windows.ts, the same code the memory store runs. Every write
// sets the key to expire when its state stops mattering (a GCRA bucket at its TAT, when it is full
// again), so Redis holds no counter that carries no information.

import { InvalidOptionsError } from '../../errors.js'
import type { BucketRule, Decision, LimitRule, TakeRequest, Usage, WindowRule } from './limiter.js'
import { isWindowRule } from './limiter.js'
import { decisionAt, emissionInterval, EPSILON, gcraPeek } from './token-bucket.js'
import { windowStart } from './period.js'
import { windowPeek, windowTake } from './windows.js'
import type { WindowState } from './windows.js'

/**
 * One algorithm, TS side: what it sends after its id, cost and aux, and how it reads its reply.
 * The Lua side of the same id must consume exactly `args(rule).length` parameters.
 */
export interface ScriptAlgorithm {
  readonly id: string
  args (rule: LimitRule): Array<string | number>
  /** A take's reply (`a`, `b` as the script sent them); `now`: Redis TIME in ms. */
  decide (ok: boolean, a: string, b: string, now: number, request: TakeRequest): Decision
  /** A peek's reply. */
  usage (a: string, b: string, now: number, rule: LimitRule): Usage
  /** What a refund of this ok decision sends as aux (a window counter: the window it charged). */
  refundAux (d: Decision): number
}

export const SCRIPT_ALGORITHMS: Readonly<Record<string, ScriptAlgorithm>> = {
  gcra: {
    id: 'gcra',
    args: rule => [emissionInterval(rule as BucketRule), (rule as BucketRule).burst],
    // a: the TAT after the take (unchanged on a refusal); b: ms a delay-mode take waits, or 0.
    decide (ok, a, b, now, r) {
      const tat = Number(a)
      const delayMs = Number(b)
      if (delayMs > 0) return { ok: true, remaining: 0, resetMs: Math.ceil(tat - now - EPSILON), delayMs }
      return decisionAt(ok, tat, now, r.cost, r.rule as BucketRule)
    },
    usage: (a, _b, now, rule) => gcraPeek(Number(a), now, rule as BucketRule),
    refundAux: () => 0,
  },
  'fixed-window': windowAlgorithm('fixed-window'),
  'sliding-window': windowAlgorithm('sliding-window'),
}

/** A window counter: `a` is its state "start prev cur next" (a take's before the take; '' none). */
function windowAlgorithm (id: WindowRule['algorithm']): ScriptAlgorithm {
  return {
    id,
    args: (rule) => {
      const { limit, period } = rule as WindowRule
      return [limit, period.ms ?? 0, period.months ?? 0]
    },
    // The script decided with the same arithmetic on the same state and time: reading the
    // decision off that state gives its answer, with every field the memory store's would have.
    decide (ok, a, b, now, r) {
      const state = windowState(a)
      const d = windowTake(state, now, r.cost, r.rule as WindowRule, r.maxDelayMs ?? 0).decision
      const rule = r.rule as WindowRule
      const start = Math.max(windowStart(rule.period, now), state?.start ?? -Infinity)
      const charged = !d.ok ? '0' : d.window === start ? '3' : '4'
      // Both sides run one arithmetic; a disagreement is a bug, answered as a store failure.
      if (ok !== d.ok || b !== charged) throw new Error(`${id}: the Redis script charged ${b}, windows.ts reads ${charged}`)
      return d
    },
    usage: (a, _b, now, rule) => windowPeek(windowState(a), now, rule as WindowRule),
    refundAux: d => (d.ok && d.window !== undefined ? d.window : 0),
  }
}

function windowState (text: string): WindowState | undefined {
  if (text === '') return undefined
  const [start, prev, cur, next] = text.split(' ').map(Number)
  return { start: start!, prev: prev!, cur: cur!, next: next! }
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
    redis.call('SET', key, num(tat), 'PX', string.format('%d', math.ceil(tat - now) + slack))
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
-- Window counters (windows.ts; windows cut as period.ts cuts them): p = limit, ms (0 for months),
-- months. A counter is stored as "start prev cur next". take: a = that state rolled to now's window
-- before the take (TS reads the whole decision off it with windowTake's own arithmetic), b = the
-- count charged (3 cur, 4 next, 0 none), which TS checks against its own reading.
local DAY = 86400000
-- Howard Hinnant's civil-from-days and days-from-civil (proleptic Gregorian, UTC) for month windows.
local function civil (days)
  local z = days + 719468
  local era = math.floor(z / 146097)
  local doe = z - era * 146097
  local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524) - math.floor(doe / 146096)) / 365)
  local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
  local mp = math.floor((5 * doy + 2) / 153)
  local m = mp < 10 and mp + 3 or mp - 9
  local y = yoe + era * 400
  if m <= 2 then y = y + 1 end
  return y, m
end
local function first_of (y, m)
  if m <= 2 then y = y - 1 end
  local era = math.floor(y / 400)
  local yoe = y - era * 400
  local mp = m > 2 and m - 3 or m + 9
  local doe = yoe * 365 + math.floor(yoe / 4) - math.floor(yoe / 100) + math.floor((153 * mp + 2) / 5)
  return (era * 146097 + doe - 719468) * DAY
end
local function wstart (ms, months, at)
  if months == 0 then return math.floor(at / ms) * ms end
  local y, m = civil(math.floor(at / DAY))
  local idx = y * 12 + m - 1
  idx = idx - idx % months
  return first_of(math.floor(idx / 12), idx % 12 + 1)
end
local function wend (ms, months, s)
  if months == 0 then return s + ms end
  local y, m = civil(math.floor(s / DAY))
  local idx = y * 12 + m - 1 + months
  return first_of(math.floor(idx / 12), idx % 12 + 1)
end
-- The counter at now: {start, prev, cur, next} rolled to now's window (rollTo), its end, and t.
local function window_at (key, ms, months)
  local raw = redis.call('GET', key)
  local start = wstart(ms, months, now)
  local s = { start, 0, 0, 0 }
  if raw then
    local a, b, c, d = string.match(raw, '^(%S+) (%S+) (%S+) (%S+)$')
    local s0, prev, cur, nxt = tonumber(a), tonumber(b), tonumber(c), tonumber(d)
    if s0 >= start then
      s = { s0, prev, cur, nxt }
    else
      local e = wend(ms, months, s0)
      if e == start then s = { start, cur, nxt, 0 }
      elseif wend(ms, months, e) == start then s = { start, nxt, 0, 0 } end
    end
  end
  return s, wend(ms, months, s[1]), math.max(now, s[1])
end
local function window_state (s) return num(s[1]) .. ' ' .. num(s[2]) .. ' ' .. num(s[3]) .. ' ' .. num(s[4]) end
local function window_store (key, s, sliding, ms, months, fin, t)
  local after = wend(ms, months, fin)
  local w = fin - s[1]
  local untilT = t
  if sliding then
    if s[4] > 0 then untilT = after + w elseif s[3] > 0 then untilT = fin + w elseif s[2] > 0 then untilT = fin end
  else
    if s[4] > 0 then untilT = after elseif s[3] > 0 then untilT = fin end
  end
  if untilT > now then
    redis.call('SET', key, window_state(s), 'PX', string.format('%d', math.ceil(untilT - now) + slack))
  else
    redis.call('DEL', key)
  end
end
local function window_take (sliding)
  return function (key, cost, maxDelay, p)
    local limit, ms, months = tonumber(p[1]), tonumber(p[2]), tonumber(p[3])
    local s, fin, t = window_at(key, ms, months)
    local before = window_state(s)
    local prev, cur, nxt = s[2], s[3], s[4]
    local charge = nil
    if cost <= limit then
      if not sliding then
        if cur + cost <= limit then charge = 3
        elseif nxt + cost <= limit and fin - t <= maxDelay then charge = 4 end
      else
        local w = fin - s[1]
        local after = fin + w
        if prev * (1 - (t - s[1]) / w) + cur + cost <= limit + 1e-9 then charge = 3 end
        if not charge and cur + cost < limit and math.ceil(fin - (limit - cur - cost) * w / prev) - t <= maxDelay then charge = 3 end
        if not charge and (cur == 0 and nxt + cost <= limit or cur > 0 and nxt + cost < limit) then
          local at = fin
          if cur > 0 then at = math.max(fin, math.ceil(after - (limit - nxt - cost) * w / cur)) end
          if at - t <= maxDelay then charge = 4 end
        end
      end
    end
    if not charge then return 0, before, 0, nil end
    return 1, before, charge, function ()
      s[charge] = s[charge] + cost
      window_store(key, s, sliding, ms, months, fin, t)
    end
  end
end
local function window_refund (sliding)
  return function (key, cost, window, p)
    local ms, months = tonumber(p[2]), tonumber(p[3])
    local s, fin, t = window_at(key, ms, months)
    local i = nil
    if window == s[1] then i = 3 elseif window == fin then i = 4 elseif wend(ms, months, window) == s[1] then i = 2 end
    if i then s[i] = math.max(0, s[i] - cost) end
    window_store(key, s, sliding, ms, months, fin, t)
  end
end
local function window_peek (key, _, p)
  local raw = redis.call('GET', key)
  return raw or '', 0
end
algorithms['fixed-window'] = { arity = 3, take = window_take(false), refund = window_refund(false), peek = window_peek }
algorithms['sliding-window'] = { arity = 3, take = window_take(true), refund = window_refund(true), peek = window_peek }
`

export const TAKE_ALL_SCRIPT = `
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
-- A replayed time runs apart from the server's expiry clock: keys then outlive their state by a
-- minute, so none expires (in real time) while the replayed clock still needs it.
local slack = 0
if ARGV[2] ~= '' then now, slack = tonumber(ARGV[2]), 60000 end
local function num (x) return string.format('%.17g', x) end
local function cell (x) if type(x) == 'string' then return x end return num(x) end
${ALGORITHMS}
local op = ARGV[1]
local reply = { num(now) }
local writes = {}
local all = true
local i = 3
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
    reply[#reply + 1] = cell(a)
    reply[#reply + 1] = cell(b)
    if ok == 1 then writes[#writes + 1] = write else all = false end
  elseif op == 'refund' then
    algo.refund(KEYS[k], cost, aux, p)
  else
    local a, b = algo.peek(KEYS[k], cost, p)
    reply[#reply + 1] = 1
    reply[#reply + 1] = cell(a)
    reply[#reply + 1] = cell(b)
  end
end
if op == 'take' and all then
  for _, write in ipairs(writes) do write() end
end
return reply
`
