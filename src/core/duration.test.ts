import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseDuration, parseSize, tryParseDuration, tryParseSize } from './duration.js'

test('durations in every accepted spelling', () => {
  const cases: Array<{ desc: string, in: string | number, out: number }> = [
    { desc: 'milliseconds', in: '250ms', out: 250 },
    { desc: 'seconds', in: '10s', out: 10_000 },
    { desc: 'fractional seconds', in: '1.5s', out: 1500 },
    { desc: 'minutes', in: '1m', out: 60_000 },
    { desc: 'hours', in: '1h', out: 3_600_000 },
    { desc: 'days', in: '2d', out: 172_800_000 },
    { desc: 'integer ms', in: 1234, out: 1234 },
    { desc: 'digit string', in: '42', out: 42 },
  ]
  for (const c of cases) assert.equal(parseDuration(c.in), c.out, c.desc)
})

test('malformed durations are refused with a message that shows the accepted forms', () => {
  for (const bad of ['10 sec', '-1s', 's', '1.5', -5, 1.5, null]) {
    assert.equal(tryParseDuration(bad), undefined, String(bad))
  }
  assert.throws(() => parseDuration('ten seconds'), /use 250ms, 10s, 1m, 1h/)
})

test('sizes', () => {
  assert.equal(parseSize('16kb'), 16 * 1024)
  assert.equal(parseSize('10MB'), 10 * 1024 * 1024)
  assert.equal(parseSize('1gb'), 1024 ** 3)
  assert.equal(parseSize(512), 512)
  assert.equal(tryParseSize('10 parsecs'), undefined)
  assert.throws(() => parseSize('lots'), /use 16kb, 10mb/)
})
