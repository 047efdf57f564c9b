import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mayAnnouncePause, pauseFromResponse } from './feedback.js'

const opts = { defaultPauseMs: 1000, maxPauseMs: 60_000 }
const wall = Date.UTC(2026, 0, 1)

test('supplier feedback headers → pause', async (t) => {
  const cases: { desc: string, status: number, headers: Record<string, string>, want: number | undefined }[] = [
    { desc: '429 with Retry-After seconds', status: 429, headers: { 'retry-after': '3' }, want: 3000 },
    { desc: '503 with Retry-After date', status: 503, headers: { 'retry-after': new Date(wall + 5000).toUTCString() }, want: 5000 },
    { desc: '200 with Retry-After is ignored', status: 200, headers: { 'retry-after': '3' }, want: undefined },
    { desc: '429 without hints uses the default', status: 429, headers: {}, want: 1000 },
    { desc: 'RateLimit-Remaining 0 + Reset delta', status: 200, headers: { 'ratelimit-remaining': '0', 'ratelimit-reset': '7' }, want: 7000 },
    { desc: 'RateLimit-Remaining > 0 says nothing', status: 200, headers: { 'ratelimit-remaining': '4', 'ratelimit-reset': '7' }, want: undefined },
    { desc: 'combined RateLimit field (draft 07)', status: 200, headers: { ratelimit: 'limit=10, remaining=0, reset=2' }, want: 2000 },
    { desc: 'combined RateLimit field (draft 08)', status: 200, headers: { ratelimit: '"default";r=0;t=4' }, want: 4000 },
    { desc: 'X-RateLimit-Reset as epoch seconds', status: 200, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String((wall + 9000) / 1000) }, want: 9000 },
    { desc: 'X-RateLimit-Reset as delta seconds', status: 429, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '2' }, want: 2000 },
    { desc: 'capped at maxPause', status: 429, headers: { 'retry-after': '86400' }, want: 60_000 },
    { desc: 'Retry-After 0 means no pause', status: 429, headers: { 'retry-after': '0' }, want: undefined },
  ]
  for (const c of cases) {
    await t.test(c.desc, () => {
      assert.equal(pauseFromResponse(c.status, c.headers, wall, opts), c.want)
      if (c.want !== undefined) assert.equal(mayAnnouncePause(c.status, c.headers), true, 'the pre-check lets it through')
    })
  }
})

test('mayAnnouncePause: a plain answer needs no clock reading', () => {
  assert.equal(mayAnnouncePause(200, { 'content-type': 'application/json', 'retry-after': '3' }), false)
  assert.equal(mayAnnouncePause(500, {}), false)
  assert.equal(mayAnnouncePause(503, {}), true)
})
