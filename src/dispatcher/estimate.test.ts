import { test } from 'node:test'
import assert from 'node:assert/strict'
import { estimateStartMs } from './estimate.js'

const rule = { rate: 10, periodMs: 1000, burst: 10 }

test('deadline estimate is a lower bound on the wait for a token', async (t) => {
  const cases = [
    { desc: 'no limit: no wait', ahead: 50, rule: undefined, last: undefined, now: 0, want: 0 },
    { desc: 'fresh bucket covers the burst', ahead: 9, rule, last: undefined, now: 0, want: 0 },
    { desc: 'beyond the burst waits per token', ahead: 14, rule, last: undefined, now: 0, want: 500 },
    { desc: 'refill since the last take counts', ahead: 2, rule, last: { at: 0, ok: true, remaining: 0, retryAfterMs: 0 }, now: 100, want: 200 },
    { desc: 'next token not due yet', ahead: 0, rule, last: { at: 0, ok: false, remaining: 0, retryAfterMs: 2000 }, now: 500, want: 1500 },
  ]
  for (const c of cases) {
    await t.test(c.desc, () => assert.ok(Math.abs(estimateStartMs(c.ahead, c.rule, c.last, c.now) - c.want) < 1e-6))
  }
})
