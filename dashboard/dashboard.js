// The Sluice dashboard: polls the admin API every 2 s and renders what it answers. No framework,
// no build step, no network beyond this admin listener. The token lives in sessionStorage only.

const KEY = 'sluice.adminToken'
const POLL_MS = 2000
const HISTORY = 150

const $ = (id) => document.getElementById(id)
const rpsHistory = []
let timer

function el (tag, attrs = {}, ...children) {
  const e = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null) continue
    if (k === 'class') e.className = v
    else if (k.startsWith('data-')) e.setAttribute(k, v)
    else e[k] = v
  }
  for (const c of children) if (c !== null) e.append(typeof c === 'object' ? c : document.createTextNode(String(c)))
  return e
}

const ms = (s) => s === null || s === undefined ? '–' : s < 1 ? `${(s * 1000).toFixed(s < 0.01 ? 1 : 0)} ms` : `${s.toFixed(2)} s`
const pct = (r) => r === null || r === undefined ? '–' : `${(r * 100).toFixed(r < 0.1 ? 1 : 0)}%`
const num = (n) => Number(n).toLocaleString('en')

async function api (path) {
  const res = await fetch(path, { headers: { authorization: `Bearer ${sessionStorage.getItem(KEY)}` }, cache: 'no-store' })
  if (res.status === 401 || res.status === 403) {
    const body = await res.json().catch(() => ({}))
    throw Object.assign(new Error(body.error?.message ?? `HTTP ${res.status}`), { auth: true })
  }
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`)
  return res.json()
}

function showLogin (message = '') {
  clearTimeout(timer)
  $('board').hidden = true
  $('forget').hidden = true
  $('login').hidden = false
  $('login-error').textContent = message
  $('token').focus()
}

function showBoard () {
  $('login').hidden = true
  $('board').hidden = false
  $('forget').hidden = false
}

function matchText (m) {
  const parts = []
  if (m.host) parts.push(`host ${[].concat(m.host).join(',')}`)
  if (m.methods) parts.push(m.methods.join(','))
  parts.push(m.pathExact ?? m.path ?? (m.pathRegex ? `~${m.pathRegex}` : '/'))
  if (m.headers) parts.push(`+${Object.keys(m.headers).length} header`)
  if (m.query) parts.push(`+${Object.keys(m.query).length} query`)
  return parts.join(' ')
}

function renderRoutes (routes, stats) {
  const byRoute = new Map(stats.routes.map((r) => [r.route, r]))
  const rows = routes.routes.map((r) => {
    const s = byRoute.get(r.name) ?? { requests: 0, rps: 0, errorRate: null, p50: null, p99: null }
    const errClass = s.errorRate > 0.05 ? 'down' : s.errorRate > 0 ? 'warn' : undefined
    return el('tr', { 'data-route': r.name },
      el('th', { scope: 'row' }, r.name),
      el('td', { class: 'mono' }, matchText(r.match)),
      el('td', {}, r.upstream),
      el('td', { class: 'n', 'data-field': 'requests' }, num(s.requests)),
      el('td', { class: 'n' }, s.rps.toFixed(s.rps < 10 ? 2 : 0)),
      el('td', { class: `n ${errClass ?? ''}` }, pct(s.errorRate)),
      el('td', { class: 'n' }, ms(s.p50)),
      el('td', { class: 'n' }, ms(s.p99)),
      el('td', { class: 'mono' }, r.stages.filter((n) => n !== 'requestId' && n !== 'forwarded').join(' → ') || '–'))
  })
  $('routes').tBodies[0].replaceChildren(...rows)
  const w = stats.windowSeconds
  $('window').textContent = w >= 59 ? `last ${Math.round(w / 60)} min` : `last ${Math.round(w)} s`
}

/** What the gateway knows about a target: health checks first, then what live traffic said. */
function targetState (t) {
  if (t.health === 'unhealthy') return ['down', 'down (health check failing)']
  if (t.health === 'ejected') return ['down', 'ejected (passive health)']
  if (t.lastAttempt && t.lastAttempt.code === 0) return ['down', `down (no response × ${t.lastAttempt.noResponseInRow})`]
  if (t.activeCheck === 'passing') return ['up', 'up (health check passing)']
  return ['up', t.lastAttempt ? 'up' : 'up (no traffic yet)']
}

function breakerText (u) {
  const b = u.breaker ?? u.circuitBreaker
  if (b === undefined) return '–'
  return typeof b === 'string' ? b : b.state ?? JSON.stringify(b)
}

function saturationText (u) {
  if (typeof u.saturation === 'number') return pct(u.saturation)
  if (typeof u.limit === 'number' && typeof u.inFlight === 'number') return `${u.inFlight}/${u.limit}`
  return '–'
}

function renderUpstreams (ups) {
  const rows = []
  for (const u of ups.upstreams) {
    u.targets.forEach((t, i) => {
      const [cls, text] = targetState(t)
      const last = t.lastAttempt ? (t.lastAttempt.code === 0 ? 'no response' : String(t.lastAttempt.code)) : '–'
      rows.push(el('tr', { 'data-target': t.url, 'data-upstream': u.name },
        i === 0 ? el('th', { scope: 'rowgroup', rowSpan: u.targets.length }, u.name) : null,
        el('td', { class: 'mono' }, t.url),
        el('td', { class: cls, 'data-field': 'state' }, text),
        el('td', { class: 'n' }, t.inFlight),
        el('td', { class: 'n' }, t.weight),
        el('td', {}, last),
        i === 0 ? el('td', { rowSpan: u.targets.length }, breakerText(u)) : null,
        i === 0 ? el('td', { rowSpan: u.targets.length }, saturationText(u)) : null))
    })
  }
  $('targets').tBodies[0].replaceChildren(...rows)
}

function renderReloads (status) {
  $('config-hash').textContent = status.configHash
  $('loaded').textContent = `Config ${status.configFile} (${status.configHash}) in service since ${new Date(status.loadedAt).toLocaleString()}.`
  const items = status.reloads.map((r) => el('li', { class: r.result === 'success' ? 'up' : 'down', 'data-result': r.result },
    `${new Date(r.at).toLocaleTimeString()} — ${r.result === 'success' ? `loaded ${r.configHash}` : 'failed, old config kept'}`,
    r.issues ? el('ul', { class: 'issues mono' }, ...r.issues.map((i) => el('li', {}, i))) : null))
  $('reloads').replaceChildren(...(items.length ? items : [el('li', {}, 'No reload since start.')]))
}

function renderOverview (status, stats) {
  const rps = stats.routes.reduce((n, r) => n + r.rps, 0)
  const requests = stats.routes.reduce((n, r) => n + r.requests, 0)
  const weighted = stats.routes.reduce((n, r) => n + (r.errorRate ?? 0) * r.rps, 0)
  $('total-rps').textContent = rps.toFixed(rps < 10 ? 2 : 0)
  $('total-errors').textContent = rps > 0 ? pct(weighted / rps) : '–'
  $('total-requests').textContent = num(requests)
  const workers = status.mode === 'cluster' ? `, ${status.workerStates?.length ?? 0}/${status.workers} workers` : ''
  $('summary').textContent = `v${status.version}, pid ${status.pid}${workers}, up ${Math.round(status.uptimeSeconds)} s` +
    (status.serving ? '' : ' — not serving (draining)')
  rpsHistory.push(rps)
  if (rpsHistory.length > HISTORY) rpsHistory.shift()
  const max = Math.max(1, ...rpsHistory)
  const points = rpsHistory.map((v, i) => `${(i / (HISTORY - 1)) * 300},${40 - (v / max) * 38}`).join(' ')
  const svg = $('spark')
  const line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline')
  line.setAttribute('points', points)
  svg.replaceChildren(line)
}

async function poll () {
  try {
    const [status, routes, upstreams, stats] = await Promise.all([
      api('/admin/status'), api('/admin/routes'), api('/admin/upstreams'), api('/admin/stats?window=60'),
    ])
    showBoard()
    $('error').textContent = ''
    renderOverview(status, stats)
    renderRoutes(routes, stats)
    renderUpstreams(upstreams)
    renderReloads(status)
    document.body.dataset.updated = String(Date.now())
  } catch (err) {
    if (err.auth) {
      sessionStorage.removeItem(KEY)
      showLogin(err.message)
      return
    }
    $('error').textContent = `Cannot reach the admin API: ${err.message}`
  }
  timer = setTimeout(poll, POLL_MS)
}

$('login').addEventListener('submit', (e) => {
  e.preventDefault()
  sessionStorage.setItem(KEY, $('token').value)
  $('token').value = ''
  poll()
})
$('forget').addEventListener('click', () => {
  sessionStorage.removeItem(KEY)
  showLogin()
})

if (sessionStorage.getItem(KEY)) poll()
else showLogin()
