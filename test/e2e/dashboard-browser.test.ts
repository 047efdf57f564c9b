// The dashboard in a real browser: playwright-core driving Debian's chromium (installed by
// .ci/run). The page loads and takes the token from the keyboard, a route's request count rises
// with traffic, a target turns "down" once its process is killed, and a failed reload shows its
// file:line. Under CI=true a missing chromium fails; elsewhere the test is skipped, loudly.
// SLUICE_DASHBOARD_SCREENSHOT=docs/dashboard.png keeps a screenshot of the final state.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { serve } from '../../src/cli/serve.js'
import { startUpstream } from '../helpers/upstream.js'
import { until } from '../helpers/wait.js'

const CHROMIUM = '/usr/bin/chromium'
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync']
const SKIP_REASON = `${CHROMIUM} not installed (apt-get install -y chromium)`
const TOKEN = 'dashboard-admin-token-0123456789'
const DASHBOARD = fileURLToPath(new URL('../../dashboard/', import.meta.url))

test('the dashboard ships small: its files are under 150 KB together', () => {
  const total = ['index.html', 'dashboard.js', 'dashboard.css'].reduce((n, f) => n + statSync(join(DASHBOARD, f)).size, 0)
  assert.ok(total < 150 * 1024, `${total} bytes`)
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { files: string[] }
  assert.ok(pkg.files.includes('dashboard'), 'package.json "files" ships dashboard/')
})

/** A target in its own process, so the test can SIGKILL it. */
async function startTargetProcess (): Promise<{ url: string, kill (): void }> {
  const code = "require('node:http').createServer((q, s) => s.end('ok')).listen(0, '127.0.0.1', function () { console.log(this.address().port) })"
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] })
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()))
    child.once('exit', () => reject(new Error('target process exited')))
  })
  return { url: `http://127.0.0.1:${port}`, kill: () => { child.kill('SIGKILL') } }
}

test('dashboard in chromium: route counts rise, a killed target goes down, a failed reload shows file:line', { timeout: 90_000 }, async (t) => {
  if (!existsSync(CHROMIUM)) {
    if (process.env.CI === 'true') assert.fail(`${SKIP_REASON}: CI must run the browser test`)
    console.warn(`SKIP: ${SKIP_REASON} — the dashboard's browser test is not running`)
    t.skip(SKIP_REASON)
    return
  }
  const { chromium } = await import('playwright-core')
  const target = await startTargetProcess()
  t.after(() => target.kill())
  const catalog = [await startUpstream('c1'), await startUpstream('c2')]
  t.after(() => Promise.all(catalog.map(c => c.close())))
  const dir = mkdtempSync(join(tmpdir(), 'sluice-dashboard-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const configPath = join(dir, 'sluice.yaml')
  const yaml = (upstream: string): string => `server: { port: 0 }
admin: { port: 0, token: ${TOKEN} }
logging: { level: silent, accessLog: false }
upstreams:
  orders:
    healthCheck: { active: { path: /, interval: 200ms, timeout: 200ms, unhealthyThreshold: 1 } }
    targets: [{ url: ${target.url} }]
  catalog:
    balancer: weighted
    targets: [{ url: ${catalog[0]!.url}, weight: 3 }, { url: ${catalog[1]!.url} }]
routes:
  - name: orders
    match: { path: /orders }
    upstream: ${upstream}
  - name: catalog
    match: { path: /catalog, methods: [GET] }
    upstream: catalog
    headers: { response: { cache-control: max-age=60 } }
`
  writeFileSync(configPath, yaml('orders'))
  const running = await serve({ configPath, watch: false })
  t.after(() => running.stop())
  const adminUrl = running.adminUrl!

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS })
  t.after(() => browser.close())
  const page = await browser.newPage({ viewport: { width: 1100, height: 760 } })
  const foreign: string[] = []
  page.on('request', (r) => { if (!r.url().startsWith(adminUrl)) foreign.push(r.url()) })

  await page.goto(`${adminUrl}/`)
  // The token field has focus and a label; Enter submits it.
  assert.equal(await page.evaluate('document.activeElement?.id'), 'token')
  assert.equal(await page.getByLabel('Admin token').count(), 1)
  await page.keyboard.type(TOKEN)
  await page.keyboard.press('Enter')
  const row = page.locator('tr[data-route="orders"]')
  await row.waitFor()
  assert.equal(await page.evaluate('localStorage.length + document.cookie.length'), 0, 'the token is in sessionStorage only')
  assert.equal(await page.evaluate("sessionStorage.getItem('sluice.adminToken')"), TOKEN)

  const count = async (): Promise<number> => Number((await row.locator('[data-field=requests]').textContent())!.replace(/\D/g, ''))
  const before = await count()
  for (let i = 0; i < 7; i++) {
    const res = await fetch(`${running.gatewayUrl}/orders/${i}`)
    assert.equal(res.status, 200)
    await res.arrayBuffer()
  }
  await until('the route count shows the new requests', async () => await count() >= before + 7, 20_000)

  // Some traffic elsewhere, errors included, for the screenshot's sake.
  for (let i = 0; i < 24; i++) {
    const res = await fetch(`${running.gatewayUrl}/catalog/${i}`, { headers: i % 8 === 0 ? { 'x-mode': 'status:503' } : {} })
    await res.arrayBuffer()
  }
  const state = page.locator(`tr[data-target="${target.url}"] [data-field=state]`)
  assert.match((await state.textContent())!, /^up/)
  target.kill()
  await until('the killed target shows down', async () => (await state.textContent())!.startsWith('down'), 20_000)

  writeFileSync(configPath, yaml('nowhere'))
  const reload = await fetch(`${adminUrl}/admin/reload`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } })
  assert.equal(reload.status, 400)
  await reload.arrayBuffer()
  const failed = page.locator('#reloads li[data-result=failure]')
  await failed.waitFor()
  assert.match((await failed.textContent())!, /sluice\.yaml:\d+:\d+ routes\[0\]\.upstream: unknown upstream "nowhere"/)

  // Narrow screen: nothing wider than the viewport (tables scroll inside their own region).
  await page.setViewportSize({ width: 360, height: 740 })
  assert.ok(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1'), 'no page-wide horizontal scroll at 360 px')
  await page.setViewportSize({ width: 1100, height: 760 })

  const shot = process.env.SLUICE_DASHBOARD_SCREENSHOT
  if (shot !== undefined && shot !== '') await page.screenshot({ path: shot, fullPage: true })
  assert.deepEqual(foreign, [], 'the page requests nothing but its own admin listener')
})
