import { test } from 'node:test'
import assert from 'node:assert/strict'
import { InvalidOptionsError } from '../../errors.js'
import type { BucketRule, Decision } from './limiter.js'
import { decisionAt, gcraPause, gcraRefund, gcraTake, validateRule } from './token-bucket.js'

type Step =
  | { at: number, take: number, expect: Partial<Decision> }
  | { at: number, refund: number }
  | { at: number, pause: number }

interface Case { desc: string, rule: BucketRule, steps: Step[] }

const tenPerSecond: BucketRule = { rate: 10, periodMs: 1000, burst: 10 }
const takes = (at: number, n: number, expect: Partial<Decision> = { ok: true }): Step[] =>
  Array.from({ length: n }, () => ({ at, take: 1, expect }))

const cases: Case[] = [
  {
    desc: 'burst of 10 at t=0, the 11th waits one interval, one more at t=100',
    rule: tenPerSecond,
    steps: [
      { at: 0, take: 1, expect: { ok: true, remaining: 9, resetMs: 100 } },
      ...takes(0, 8),
      { at: 0, take: 1, expect: { ok: true, remaining: 0, resetMs: 1000 } },
      { at: 0, take: 1, expect: { ok: false, retryAfterMs: 100, remaining: 0, resetMs: 1000 } },
      { at: 99, take: 1, expect: { ok: false, retryAfterMs: 1 } },
      { at: 100, take: 1, expect: { ok: true, remaining: 0, resetMs: 1000 } },
      { at: 100, take: 1, expect: { ok: false, retryAfterMs: 100 } },
    ],
  },
  {
    desc: 'steady rate: one token per interval forever once the burst is spent',
    rule: { rate: 2, periodMs: 1000, burst: 1 },
    steps: [
      { at: 0, take: 1, expect: { ok: true, remaining: 0, resetMs: 500 } },
      { at: 250, take: 1, expect: { ok: false, retryAfterMs: 250 } },
      { at: 500, take: 1, expect: { ok: true } },
      { at: 1000, take: 1, expect: { ok: true } },
      { at: 1499, take: 1, expect: { ok: false, retryAfterMs: 1 } },
      { at: 1500, take: 1, expect: { ok: true } },
    ],
  },
  {
    desc: 'an idle bucket refills to burst, never beyond',
    rule: tenPerSecond,
    steps: [
      ...takes(0, 10),
      { at: 50_000, take: 1, expect: { ok: true, remaining: 9, resetMs: 100 } },
    ],
  },
  {
    desc: 'cost > 1 takes several tokens and waits for all of them',
    rule: tenPerSecond,
    steps: [
      { at: 0, take: 4, expect: { ok: true, remaining: 6, resetMs: 400 } },
      { at: 0, take: 6, expect: { ok: true, remaining: 0, resetMs: 1000 } },
      { at: 100, take: 3, expect: { ok: false, retryAfterMs: 200, resetMs: 900 } },
      { at: 300, take: 3, expect: { ok: true, remaining: 0 } },
    ],
  },
  {
    desc: 'cost above burst can never succeed: retryAfterMs is Infinity',
    rule: tenPerSecond,
    steps: [
      { at: 0, take: 11, expect: { ok: false, retryAfterMs: Infinity, resetMs: 0 } },
      { at: 0, take: 10, expect: { ok: true, remaining: 0 } },
    ],
  },
  {
    desc: 'refund gives tokens back, but never above burst',
    rule: tenPerSecond,
    steps: [
      ...takes(0, 10),
      { at: 0, refund: 3 },
      ...takes(0, 3),
      { at: 0, take: 1, expect: { ok: false, retryAfterMs: 100 } },
      { at: 0, refund: 50 },
      { at: 0, take: 1, expect: { ok: true, remaining: 9 } },
    ],
  },
  {
    desc: 'pause empties the bucket for forMs, then it refills at the normal rate',
    rule: tenPerSecond,
    steps: [
      { at: 0, pause: 5000 },
      { at: 0, take: 1, expect: { ok: false, retryAfterMs: 5000, resetMs: 5900 } },
      { at: 4999, take: 1, expect: { ok: false, retryAfterMs: 1 } },
      { at: 5000, take: 1, expect: { ok: true, remaining: 0 } },
      { at: 5000, take: 1, expect: { ok: false, retryAfterMs: 100 } },
    ],
  },
  {
    desc: 'a shorter pause never shortens a longer one',
    rule: tenPerSecond,
    steps: [
      { at: 0, pause: 5000 },
      { at: 0, pause: 1000 },
      { at: 1000, take: 1, expect: { ok: false, retryAfterMs: 4000 } },
    ],
  },
  {
    desc: 'intervals that are not whole milliseconds do not drift or cost an extra ms',
    rule: { rate: 3, periodMs: 1000, burst: 3 },
    steps: [
      ...takes(0, 3),
      { at: 0, take: 1, expect: { ok: false, retryAfterMs: 334, resetMs: 1000 } },
      { at: 1000, take: 3, expect: { ok: true, remaining: 0, resetMs: 1000 } },
      { at: 2000, take: 1, expect: { ok: true, remaining: 2 } },
    ],
  },
]

for (const c of cases) {
  test(c.desc, () => {
    let tat: number | undefined
    c.steps.forEach((s, i) => {
      if ('take' in s) {
        const r = gcraTake(tat, s.at, s.take, c.rule)
        for (const [k, v] of Object.entries(s.expect)) {
          assert.equal((r.decision as Record<string, unknown>)[k], v, `step ${i} (t=${s.at}) ${k}`)
        }
        tat = r.tat
      } else if ('refund' in s) {
        tat = gcraRefund(tat, s.at, s.refund, c.rule)
      } else {
        tat = gcraPause(tat, s.at, s.pause, c.rule)
      }
    })
  })
}

test('a refusal leaves the TAT where it was; refund of a full bucket reports full', () => {
  const first = gcraTake(undefined, 0, 10, tenPerSecond)
  const refused = gcraTake(first.tat, 0, 1, tenPerSecond)
  assert.equal(refused.tat, first.tat)
  assert.ok(gcraRefund(undefined, 7, 1, tenPerSecond) <= 7)
})

test('decisionAt reads the same answers the take produced', () => {
  const r = gcraTake(500, 200, 2, tenPerSecond)
  assert.deepEqual(decisionAt(true, r.tat, 200, 2, tenPerSecond), r.decision)
})

test('validateRule refuses buckets that can never hand out a token', () => {
  assert.equal(validateRule(tenPerSecond), tenPerSecond)
  for (const bad of [{ rate: 0 }, { rate: -1 }, { periodMs: 0 }, { burst: 0.5 }, { rate: Infinity }, { burst: NaN }]) {
    assert.throws(() => validateRule({ ...tenPerSecond, ...bad }), InvalidOptionsError, JSON.stringify(bad))
  }
})
