// Reads the raw TSV the peer harness writes (RAW_OUT) and reduces it to one row per body size and
// target: medians over rounds, and each target's rate as a ratio to the direct upstream measured
// in the same round (so two harness runs can share one table).

export interface RawRun {
  size: string
  round: string
  target: string
  rps: number
  p50Ms: number
  p99Ms: number
  cpuUsPerReq: number
  errors: string
}

export interface GatewayRow {
  size: string
  target: string
  rps: number
  vsDirect: number
  p50Ms: number
  p99Ms: number
  cpuUsPerReq: number
  errors: string
}

const UNIT_MS: Record<string, number> = { us: 1e-3, ms: 1, s: 1e3, m: 6e4 }

function toMs (s: string | undefined): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(s ?? '')
  return m ? Number(m[1]) * UNIT_MS[m[2]!]! : NaN
}

export function parseRawTsv (text: string): RawRun[] {
  const [head, ...lines] = text.trim().split('\n')
  const cols = (head ?? '').split('\t')
  return lines.filter(Boolean).map((line) => {
    const v = Object.fromEntries(line.split('\t').map((x, i) => [cols[i], x]))
    return {
      size: v.size ?? '',
      round: v.round ?? '',
      target: v.target ?? '',
      rps: Number(v.rps),
      p50Ms: toMs(v.p50),
      p99Ms: toMs(v.p99),
      cpuUsPerReq: Number(v.cpu_us_per_req),
      errors: v.errors ?? '',
    }
  })
}

export function median (xs: number[]): number {
  const a = xs.filter(Number.isFinite).sort((p, q) => p - q)
  if (a.length === 0) return NaN
  const h = a.length >> 1
  return a.length % 2 ? a[h]! : (a[h - 1]! + a[h]!) / 2
}

/** `runs` from one harness invocation; call once per invocation and concatenate the rows. */
export function summarize (runs: RawRun[]): GatewayRow[] {
  const rows: GatewayRow[] = []
  for (const size of new Set(runs.map((r) => r.size))) {
    const ofSize = runs.filter((r) => r.size === size)
    const direct = new Map(ofSize.filter((r) => r.target === 'direct').map((r) => [r.round, r.rps]))
    for (const target of new Set(ofSize.map((r) => r.target))) {
      const t = ofSize.filter((r) => r.target === target)
      rows.push({
        size,
        target,
        rps: median(t.map((r) => r.rps)),
        vsDirect: median(t.map((r) => r.rps / (direct.get(r.round) ?? NaN))),
        p50Ms: median(t.map((r) => r.p50Ms)),
        p99Ms: median(t.map((r) => r.p99Ms)),
        cpuUsPerReq: median(t.map((r) => r.cpuUsPerReq)),
        errors: [...new Set(t.map((r) => r.errors).filter(Boolean))].join('; '),
      })
    }
  }
  return rows
}

const fmt = (x: number, digits = 0): string => Number.isFinite(x) ? x.toFixed(digits) : '-'
const int = (x: number): string => Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '-'

/**
 * A markdown table per body size. Ratios compare each row with `reference` targets through their
 * direct-normalised rates, which stay comparable across the two harness runs.
 */
export function formatGatewayTable (rows: GatewayRow[], references: readonly string[]): string {
  const out: string[] = []
  for (const size of new Set(rows.map((r) => r.size))) {
    const ofSize = rows.filter((r) => r.size === size)
    const refs = references.filter((name) => ofSize.some((r) => r.target === name && r.target !== 'direct'))
    out.push(`### ${size} bodies\n`)
    out.push(`| target | req/s | vs direct | ${refs.map((r) => `vs ${r}`).join(' | ')}${refs.length ? ' | ' : ''}p50 ms | p99 ms | CPU µs/req | errors |`)
    out.push(`|---|---:|---:|${refs.map(() => '---:|').join('')}---:|---:|---:|---|`)
    for (const r of ofSize) {
      const ratios = refs.map((name) => {
        const ref = ofSize.find((x) => x.target === name)
        return fmt(r.vsDirect / (ref?.vsDirect ?? NaN), 2)
      })
      out.push(`| ${r.target} | ${int(r.rps)} | ${fmt(r.vsDirect, 2)} | ${ratios.join(' | ')}${ratios.length ? ' | ' : ''}` +
        `${fmt(r.p50Ms, 2)} | ${fmt(r.p99Ms, 2)} | ${fmt(r.cpuUsPerReq, 1)} | ${r.errors || '-'} |`)
    }
    out.push('')
  }
  return out.join('\n')
}
