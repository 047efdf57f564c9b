import { test } from 'node:test'
import assert from 'node:assert/strict'
import { isCalendarAligned, windowEnd, windowLength, windowStart } from './period.js'

const iso = (ms: number): string => new Date(ms).toISOString()
const at = (s: string): number => Date.parse(s)

test('a day period starts its windows at 00:00 UTC, an hour on the hour', () => {
  const day = { ms: 86_400_000 }
  assert.equal(iso(windowStart(day, at('2026-03-14T23:59:59.999Z'))), '2026-03-14T00:00:00.000Z')
  assert.equal(iso(windowEnd(day, windowStart(day, at('2026-03-14T23:59:59.999Z')))), '2026-03-15T00:00:00.000Z')
  assert.equal(iso(windowStart({ ms: 3_600_000 }, at('2026-03-14T10:30:00Z'))), '2026-03-14T10:00:00.000Z')
})

test('month periods start on the 1st at 00:00 UTC; 3mo are the calendar quarters, 12mo the year', () => {
  const month = { months: 1 }
  const cases: Array<[number, string, string, string]> = [
    [1, '2026-01-31T23:59:59.999Z', '2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z'],
    [1, '2028-02-29T12:00:00Z', '2028-02-01T00:00:00.000Z', '2028-03-01T00:00:00.000Z'],
    [1, '2026-12-31T23:00:00Z', '2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z'],
    [3, '2026-05-20T00:00:00Z', '2026-04-01T00:00:00.000Z', '2026-07-01T00:00:00.000Z'],
    [12, '2026-05-20T00:00:00Z', '2026-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z'],
  ]
  for (const [months, now, start, end] of cases) {
    const s = windowStart({ months }, at(now))
    assert.equal(iso(s), start, `${months}mo at ${now}`)
    assert.equal(iso(windowEnd({ months }, s)), end)
  }
  assert.equal(windowLength(month, at('2026-02-10T00:00:00Z')), 28 * 86_400_000)
})

test('calendar-aligned periods: divisors of a day, and months that divide a year', () => {
  assert.deepEqual(
    [{ ms: 86_400_000 }, { ms: 3_600_000 }, { ms: 7 * 86_400_000 }, { ms: 7_000_000 }, { months: 3 }, { months: 5 }]
      .map(isCalendarAligned),
    [true, true, false, false, true, false])
})
