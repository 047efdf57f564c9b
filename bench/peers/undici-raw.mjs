// The floor for a Node proxy on one core: node:http in front of an undici Pool, no routing, no
// policies. Uses the project's own undici, the version Sluice runs on.
import { createServer } from 'node:http'
import { Pool } from 'undici'

const pool = new Pool(process.env.UPSTREAM_URL, { connections: 256, pipelining: 1 })
const HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host'])
const server = createServer((req, res) => {
  const headers = {}
  for (const k in req.headers) if (!HOP.has(k)) headers[k] = req.headers[k]
  const body = req.method === 'GET' || req.method === 'HEAD' ? null : req
  pool.stream({ path: req.url, method: req.method, headers, body }, ({ statusCode, headers: h }) => {
    const out = {}
    for (const k in h) if (!HOP.has(k)) out[k] = h[k]
    res.writeHead(statusCode, out)
    return res
  }, (err) => {
    if (err === null || err === undefined) return
    if (!res.headersSent) res.writeHead(502)
    res.end()
  })
})
server.keepAliveTimeout = 120e3
server.listen(Number(process.env.PORT), '127.0.0.1')
