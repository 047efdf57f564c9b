// The windows of a window-counter limit, on wall-clock time (UTC). A period of milliseconds cuts
// time into windows at multiples of its length since the Unix epoch: every instance, and Redis,
// cut at the same instants, and a length that divides a day (1d, 1h, 15m) starts its windows at
// UTC midnight and on the hour. A period of months starts its windows at 00:00 UTC on the 1st,
// counting months from January of year 0, so 1mo is every month, 3mo the calendar quarters and
// 12mo the calendar year. Unix time has no leap seconds, so every UTC day is 86 400 000 ms.
//
// The Redis script (redis-scripts.ts) repeats this arithmetic in Lua; keep the two in step.

export type Period =
  | { readonly ms: number, readonly months?: undefined }
  | { readonly months: number, readonly ms?: undefined }

const DAY_MS = 86_400_000

/** Start of the window holding `wallMs`. */
export function windowStart (period: Period, wallMs: number): number {
  if (period.ms !== undefined) return Math.floor(wallMs / period.ms) * period.ms
  const d = new Date(wallMs)
  const index = d.getUTCFullYear() * 12 + d.getUTCMonth()
  const first = index - (index % period.months)
  return Date.UTC(Math.floor(first / 12), first % 12, 1)
}

/** Start of the window after the one starting at `start`. */
export function windowEnd (period: Period, start: number): number {
  if (period.ms !== undefined) return start + period.ms
  const d = new Date(start)
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + period.months, 1)
}

/** Length of a window in ms; a month period's current window (28 to 92 days for 1mo to 3mo). */
export function windowLength (period: Period, wallMs: number): number {
  if (period.ms !== undefined) return period.ms
  const start = windowStart(period, wallMs)
  return windowEnd(period, start) - start
}

/**
 * True when the windows follow the UTC calendar: a day or a divisor of it (each day starts a
 * window at 00:00 UTC), or months that divide a year (each year starts a window on January 1st).
 */
export function isCalendarAligned (period: Period): boolean {
  return period.ms !== undefined ? period.ms > 0 && DAY_MS % period.ms === 0 : 12 % period.months === 0
}
