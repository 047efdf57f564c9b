// A real upstream with a switchable health endpoint: GET /healthz answers `healthStatus` (200 by
// default; 0 = never answer); every other request answers `status` with its name in X-Upstream. Counts both kinds.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface HealthUpstream {
  readonly name: string
  readonly url: string
  /** Status of /healthz answers. */
  healthStatus: number
  /** Status of every other answer. */
  status: number
  /** /healthz requests so far. */
  readonly probes: number
  /** Other requests so far. */
  readonly requests: number
  close (): Promise<void>
}

export async function startHealthUpstream (name: string): Promise<HealthUpstream> {
  let probes = 0
  let requests = 0
  const server = createServer((req, res) => {
    if (req.url === '/healthz') {
      probes++
      if (up.healthStatus === 0) return
      res.writeHead(up.healthStatus).end()
      return
    }
    requests++
    res.writeHead(up.status, { 'x-upstream': name }).end(name)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  const up: HealthUpstream = {
    name,
    url: `http://127.0.0.1:${port}`,
    healthStatus: 200,
    status: 200,
    get probes () { return probes },
    get requests () { return requests },
    close () {
      server.closeAllConnections()
      return new Promise(resolve => server.close(() => resolve()))
    },
  }
  return up
}
