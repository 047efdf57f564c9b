// The dashboard's files (dashboard/ at the package root: no build step, no CDN), served by the
// admin listener without the token: the page asks for it and sends it with its API calls. The
// Content-Security-Policy allows scripts, styles and requests from this origin only, so a page
// holding the admin token can run nothing injected and send it nowhere else.

import { readFile } from 'node:fs/promises'
import { packageFile } from '../cli/package-files.js'
import type { AdminRoute } from './route-table.js'

const FILES: Readonly<Record<string, string>> = {
  'index.html': 'text/html; charset=utf-8',
  'dashboard.js': 'text/javascript; charset=utf-8',
  'dashboard.css': 'text/css; charset=utf-8',
}

const HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; " +
    "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
}

export function dashboardRoutes (): AdminRoute[] {
  const cache = new Map<string, Buffer>()
  const load = async (name: string): Promise<Buffer> => {
    let body = cache.get(name)
    if (body === undefined) cache.set(name, body = await readFile(packageFile(`dashboard/${name}`)))
    return body
  }
  const serve = (name: string): AdminRoute['handle'] => async ({ res }) => {
    const body = await load(name)
    res.writeHead(200, { 'content-type': FILES[name]!, 'content-length': body.length, ...HEADERS })
    res.end(body)
  }
  return [
    { method: 'GET', path: '/', protected: false, handle: serve('index.html') },
    { method: 'GET', path: '/dashboard', protected: false, handle: serve('index.html') },
    ...Object.keys(FILES).map((name): AdminRoute => ({ method: 'GET', path: `/dashboard/${name}`, protected: false, handle: serve(name) })),
  ]
}
