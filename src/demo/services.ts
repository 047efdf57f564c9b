// The demo's example upstreams: a "users" service run as two instances (each answer says which
// instance served it, so round-robin is visible) and an "orders" service with in-memory state.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void

function json (res: ServerResponse, status: number, value: unknown): void {
  const text = `${JSON.stringify(value)}\n`
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

const USERS = [
  { id: 1, name: 'Ada Lovelace' },
  { id: 2, name: 'Grace Hopper' },
  { id: 3, name: 'Edsger Dijkstra' },
]

function usersHandler (instance: string): Handler {
  return (req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0]!
    if (path === '/users' || path === '/users/') return json(res, 200, { instance, users: USERS })
    const m = /^\/users\/(\d+)$/.exec(path)
    const user = m ? USERS.find((u) => u.id === Number(m[1])) : undefined
    if (user) return json(res, 200, { instance, user })
    json(res, 404, { instance, error: `no user at ${path}` })
  }
}

function ordersHandler (): Handler {
  const orders: Array<{ id: number, item: string, qty: number }> = [{ id: 1, item: 'coffee beans', qty: 2 }]
  return (req, res, body) => {
    if (req.method === 'POST') {
      let input: { item?: unknown, qty?: unknown } = {}
      try { input = JSON.parse(body || '{}') as typeof input } catch { return json(res, 400, { error: 'body must be JSON' }) }
      const order = { id: orders.length + 1, item: String(input.item ?? 'unnamed'), qty: Number(input.qty ?? 1) }
      orders.push(order)
      return json(res, 201, { service: 'orders', order })
    }
    json(res, 200, { service: 'orders', orders })
  }
}

function listen (handler: Handler, port = 0): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => handler(req, res, Buffer.concat(chunks).toString('utf8')))
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve(server))
  })
}

export interface DemoServices {
  readonly users: readonly [string, string]
  readonly orders: string
  close (): Promise<void>
}

export async function startDemoServices (): Promise<DemoServices> {
  const servers = await Promise.all([listen(usersHandler('users-1')), listen(usersHandler('users-2')), listen(ordersHandler())])
  const url = (s: Server): string => `http://127.0.0.1:${(s.address() as AddressInfo).port}`
  return {
    users: [url(servers[0]), url(servers[1])],
    orders: url(servers[2]),
    async close () {
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => {
        s.close(() => resolve())
        s.closeAllConnections()
      })))
    },
  }
}

/** The fixed addresses examples/*.yaml point at (`sluice demo --upstreams-only`). */
export const EXAMPLE_UPSTREAMS = [
  { name: 'users-1', port: 9001 },
  { name: 'users-2', port: 9002 },
  { name: 'orders-1', port: 9003 },
  { name: 'orders-2', port: 9004 },
] as const

export interface ExampleUpstreams {
  readonly urls: ReadonlyArray<{ name: string, url: string }>
  close (): Promise<void>
}

/**
 * The demo services on the ports the example configs use: users on 9001 and 9002, orders on 9003
 * and 9004 (two instances sharing one order list, so a weighted balancer has somewhere to send).
 */
export async function startExampleUpstreams (): Promise<ExampleUpstreams> {
  const orders = ordersHandler()
  const servers: Server[] = []
  const close = (): Promise<void> => Promise.all(servers.map((s) => new Promise<void>((resolve) => {
    s.close(() => resolve())
    s.closeAllConnections()
  }))).then(() => {})
  try {
    for (const { name, port } of EXAMPLE_UPSTREAMS) {
      servers.push(await listen(name.startsWith('users') ? usersHandler(name) : orders, port))
    }
  } catch (err) {
    await close()
    throw err
  }
  return {
    urls: EXAMPLE_UPSTREAMS.map(({ name, port }) => ({ name, url: `http://127.0.0.1:${port}` })),
    close,
  }
}
