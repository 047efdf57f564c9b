// Human-friendly durations and sizes, shared by the config schema and the dispatcher's options.

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/
const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }
const SIZE = /^(\d+(?:\.\d+)?)(b|kb|mb|gb)$/i
const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }

/** A duration: `'250ms'`, `'10s'`, `'1m'`, `'1h'`, `'1d'`, or a number of milliseconds. */
export type Duration = string | number

/** A size: `'512b'`, `'16kb'`, `'10mb'`, `'1gb'` (any case), or a number of bytes. */
export type Size = string | number

/** `250ms`, `10s`, `1m`, `1h`, `1d` or integer milliseconds → milliseconds; undefined when malformed. */
export function tryParseDuration (value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : undefined
  if (typeof value !== 'string') return undefined
  const s = value.trim()
  if (/^\d+$/.test(s)) return Number(s)
  const m = DURATION.exec(s)
  return m ? Math.round(Number(m[1]) * DURATION_UNITS[m[2]!]!) : undefined
}

/**
 * `'250ms'`, `'10s'`, `'1m'`, `'1h'`, `'1d'` or a number of milliseconds → milliseconds.
 *
 * @throws `InvalidOptionsError` naming `what` when the value is malformed.
 */
export function parseDuration (value: Duration, what = 'duration'): number {
  const ms = tryParseDuration(value)
  if (ms === undefined) throw new TypeError(`invalid ${what} ${JSON.stringify(value)}: use 250ms, 10s, 1m, 1h or integer milliseconds`)
  return ms
}

const MONTHS = /^(\d+)mo$/

/**
 * `1mo`, `3mo` → a whole number of calendar months; undefined for anything else. A month is no
 * fixed number of milliseconds, so it is a unit of its own, never converted to a duration.
 */
export function tryParseMonths (value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined
  const m = MONTHS.exec(value.trim())
  return m ? Number(m[1]) : undefined
}

/** `16kb`, `10mb`, `1gb`, `512b` or an integer byte count → bytes; undefined when malformed. */
export function tryParseSize (value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : undefined
  if (typeof value !== 'string') return undefined
  const s = value.trim()
  if (/^\d+$/.test(s)) return Number(s)
  const m = SIZE.exec(s)
  return m ? Math.round(Number(m[1]) * SIZE_UNITS[m[2]!.toLowerCase()]!) : undefined
}

/**
 * `'512b'`, `'16kb'`, `'10mb'`, `'1gb'` (any case) or a number of bytes → bytes.
 *
 * @throws `InvalidOptionsError` naming `what` when the value is malformed.
 */
export function parseSize (value: Size, what = 'size'): number {
  const b = tryParseSize(value)
  if (b === undefined) throw new TypeError(`invalid ${what} ${JSON.stringify(value)}: use 16kb, 10mb or integer bytes`)
  return b
}
