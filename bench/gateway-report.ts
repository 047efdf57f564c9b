// Tables for the gateway bench: a summary per body size (medians and the range over rounds, each
// ratio taken within a round so slow and fast rounds do not mix), and every round as measured,
// with the foreign CPU beside it so a disturbed round can be seen and discounted.

export interface Measurement {
  size: string
  round: number
  target: string
  rps: number
  p50Ms: number
  p99Ms: number
  errors: string
  /** User + system CPU of the proxy per request, µs. */
  cpuUsPerReq: number
  /** % of one core used by processes other than the bench's own during the measurement. */
  foreignPct: number
  stealPct: number
}

export function median (xs: readonly number[]): number {
  const a = xs.filter(Number.isFinite).sort((p, q) => p - q)
  if (a.length === 0) return NaN
  const h = a.length >> 1
  return a.length % 2 ? a[h]! : (a[h - 1]! + a[h]!) / 2
}

const finite = (xs: readonly number[]): number[] => xs.filter(Number.isFinite)
const fmt = (x: number, digits = 0): string => Number.isFinite(x) ? x.toFixed(digits) : '-'
const int = (x: number): string => Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '-'
const range = (xs: readonly number[], f: (x: number) => string): string => {
  const a = finite(xs)
  return a.length > 1 ? ` (${f(Math.min(...a))}–${f(Math.max(...a))})` : ''
}

/** `target`'s rate over `ref`'s in each round where both were measured. */
export function roundRatios (ms: readonly Measurement[], size: string, target: string, ref: string): number[] {
  const of = (t: string): Map<number, number> =>
    new Map(ms.filter((m) => m.size === size && m.target === t).map((m) => [m.round, m.rps]))
  const a = of(target)
  const b = of(ref)
  return [...a].filter(([r]) => b.has(r)).map(([r, rps]) => rps / b.get(r)!)
}

export function formatSummary (ms: readonly Measurement[], references: readonly string[]): string {
  const out: string[] = []
  for (const size of new Set(ms.map((m) => m.size))) {
    const ofSize = ms.filter((m) => m.size === size)
    const targets = [...new Set(ofSize.map((m) => m.target))]
    const refs = references.filter((r) => targets.includes(r))
    const rounds = new Set(ofSize.map((m) => m.round)).size
    out.push(`#### ${size} responses: medians of ${rounds} rounds (min–max over rounds)\n`)
    out.push(`| target | req/s | ${refs.map((r) => `vs ${r}`).join(' | ')} | p50 ms | p99 ms | CPU µs/req | foreign CPU % (max) | errors |`)
    out.push(`|---|---:|${refs.map(() => '---:|').join('')}---:|---:|---:|---:|---|`)
    for (const t of targets) {
      const rows = ofSize.filter((m) => m.target === t)
      const rps = rows.map((m) => m.rps)
      const cpu = rows.map((m) => m.cpuUsPerReq)
      const ratios = refs.map((ref) => {
        const rs = roundRatios(ms, size, t, ref)
        return t === ref ? '1.00' : `${fmt(median(rs), 2)}${range(rs, (x) => x.toFixed(2))}`
      })
      const foreign = rows.map((m) => m.foreignPct)
      out.push(`| ${t} | ${int(median(rps))}${range(rps, (x) => `${(x / 1000).toFixed(1)}k`)} | ${ratios.join(' | ')} | ` +
        `${fmt(median(rows.map((m) => m.p50Ms)), 2)} | ${fmt(median(rows.map((m) => m.p99Ms)), 2)} | ` +
        `${fmt(median(cpu), 1)}${range(cpu, (x) => x.toFixed(0))} | ${fmt(median(foreign))} (${fmt(Math.max(...finite(foreign)))}) | ` +
        `${[...new Set(rows.map((m) => m.errors).filter(Boolean))].join('; ') || '-'} |`)
    }
    out.push('')
  }
  return out.join('\n')
}

/**
 * Ratios from quiet rounds only: a round counts for a pair when both measurements had at most
 * `maxForeignPct` foreign CPU. Cells give the median and how many rounds were quiet enough.
 */
export function formatQuietRatios (
  ms: readonly Measurement[], references: readonly string[], maxForeignPct: number
): string {
  const out: string[] = []
  for (const size of new Set(ms.map((m) => m.size))) {
    const quietMs = ms.filter((m) => m.size === size && m.foreignPct <= maxForeignPct)
    const targets = [...new Set(ms.filter((m) => m.size === size).map((m) => m.target))]
    const refs = references.filter((r) => targets.includes(r))
    out.push(`#### ${size}: ratios over quiet rounds only (foreign CPU ≤ ${maxForeignPct}% in both runs; median, rounds)\n`)
    out.push(`| target | ${refs.map((r) => `vs ${r}`).join(' | ')} |`)
    out.push(`|---|${refs.map(() => '---:|').join('')}`)
    for (const t of targets) {
      const cells = refs.map((ref) => {
        const rs = roundRatios(quietMs, size, t, ref)
        return rs.length === 0 ? '-' : `${fmt(median(rs), 2)} (${rs.length})`
      })
      out.push(`| ${t} | ${cells.join(' | ')} |`)
    }
    out.push('')
  }
  return out.join('\n')
}

/** Every measurement: req/s, the proxy's CPU µs per request and the foreign CPU % of that run. */
export function formatRounds (ms: readonly Measurement[]): string {
  const out: string[] = []
  const rounds = [...new Set(ms.map((m) => m.round))].sort((a, b) => a - b)
  for (const size of new Set(ms.map((m) => m.size))) {
    out.push(`#### ${size}, every round: req/s · proxy CPU µs/req · foreign CPU % of a core\n`)
    out.push(`| target | ${rounds.map((r) => `round ${r}`).join(' | ')} |`)
    out.push(`|---|${rounds.map(() => '---:|').join('')}`)
    const ofSize = ms.filter((m) => m.size === size)
    for (const t of new Set(ofSize.map((m) => m.target))) {
      const cells = rounds.map((r) => {
        const m = ofSize.find((x) => x.target === t && x.round === r)
        return m === undefined ? '-' : `${int(m.rps)} · ${fmt(m.cpuUsPerReq)} · ${fmt(m.foreignPct)}%`
      })
      out.push(`| ${t} | ${cells.join(' | ')} |`)
    }
    out.push('')
  }
  return out.join('\n')
}

/** The raw measurements as TSV, for a record beside the tables. */
export function toTsv (ms: readonly Measurement[]): string {
  const cols = ['size', 'round', 'target', 'rps', 'p50Ms', 'p99Ms', 'cpuUsPerReq', 'foreignPct', 'stealPct', 'errors'] as const
  return [cols.join('\t'), ...ms.map((m) => cols.map((c) => {
    const v = m[c]
    return typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(3)) : v
  }).join('\t'))].join('\n') + '\n'
}
