// What `sluice dispatch` shows while it runs: a redrawn bar on a TTY, a plain line every few
// seconds otherwise (logs and CI), and a summary table at the end.

export interface SupplierTally { done: number, ok: number, httpErrors: number, errors: number, totalMs: number }

export interface ProgressState {
  total: number
  done: number
  skipped: number
  errors: number
  startedAt: number
  perSupplier: Map<string, SupplierTally>
}

export interface ProgressOptions {
  tty: boolean
  write: (s: string) => void
  /** Redraw / print interval in ms (TTY 200ms, plain 2s by default). */
  intervalMs?: number
  now?: () => number
}

export function tally (state: ProgressState, supplier: string): SupplierTally {
  let t = state.perSupplier.get(supplier)
  if (t === undefined) {
    t = { done: 0, ok: 0, httpErrors: 0, errors: 0, totalMs: 0 }
    state.perSupplier.set(supplier, t)
  }
  return t
}

function fmtDuration (ms: number): string {
  if (!Number.isFinite(ms)) return '?'
  const s = Math.round(ms / 1000)
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`
}

export function progressLine (st: ProgressState, now: number, barWidth = 0): string {
  const todo = Math.max(0, st.total - st.skipped)
  const elapsed = Math.max(1, now - st.startedAt)
  const rate = st.done / (elapsed / 1000)
  const eta = rate > 0 ? (todo - st.done) / rate * 1000 : Infinity
  const share = todo === 0 ? 1 : st.done / todo
  const bar = barWidth > 0 ? `[${'#'.repeat(Math.round(share * barWidth)).padEnd(barWidth, '.')}] ` : ''
  const sup = [...st.perSupplier].map(([n, t]) => `${n}:${t.done}`).join(' ')
  return `${bar}${st.done}/${todo} ${(share * 100).toFixed(0)}% ${rate.toFixed(1)}/s eta ${fmtDuration(eta)} ` +
    `errors ${st.errors}${st.skipped > 0 ? ` skipped ${st.skipped}` : ''}${sup ? ` | ${sup}` : ''}`
}

export function summaryTable (st: ProgressState): string {
  const rows = [['supplier', 'done', 'ok', 'http 4xx/5xx', 'errors', 'avg ms']]
  for (const [name, t] of st.perSupplier) {
    rows.push([name, String(t.done), String(t.ok), String(t.httpErrors), String(t.errors), t.done ? (t.totalMs / t.done).toFixed(1) : '-'])
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map(r => r[i]!.length)))
  const line = (r: string[]): string => r.map((c, i) => i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)).join('  ')
  return [line(rows[0]!), widths.map(w => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n') + '\n'
}

export function startProgress (st: ProgressState, opts: ProgressOptions): { stop (): void } {
  const now = opts.now ?? (() => performance.now())
  const interval = opts.intervalMs ?? (opts.tty ? 200 : 2000)
  const draw = (): void => {
    if (opts.tty) opts.write(`\r\x1b[2K${progressLine(st, now(), 30)}`)
    else opts.write(`${progressLine(st, now())}\n`)
  }
  const timer = setInterval(draw, interval)
  timer.unref()
  return {
    stop () {
      clearInterval(timer)
      draw()
      if (opts.tty) opts.write('\n')
    },
  }
}
