// Generates the 5,000-route variant of bench/gateway.yaml. The benched route (`path: /`, which
// /1k and /64k fall through to) comes last, behind prefix, param, host, header and regex routes,
// so the number measures route lookup in a realistic table, not a lucky first hit.

import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

export function manyRoutesYaml (count = 5000): string {
  const routes: string[] = []
  for (let i = 0; i < count - 1; i++) {
    const k = i % 10
    const match = k === 0
      ? `{ path: /svc${i}/v1/users/:id }`
      : k === 1
        ? `{ path: /svc${i}/v1, host: svc${i}.example.com }`
        : k === 2
          ? `{ path: /svc${i}/v2, headers: { x-tenant: t${i} } }`
          : k === 3 && i < 200
            ? `{ pathRegex: "^/re${i}/[0-9]+$" }`
            : k === 4
              ? `{ pathExact: /svc${i}/health, methods: [GET] }`
              : `{ path: /svc${i}/v1/items }`
    routes.push(`  - name: r${i}\n    match: ${match}\n    upstream: origin`)
  }
  routes.push('  - name: all\n    match: { path: / }\n    upstream: origin')
  return `server:
  host: 127.0.0.1
  port: \${PORT}
  workers: 1
admin:
  host: 127.0.0.1
  port: \${ADMIN_PORT:-0}
logging:
  level: warn
  accessLog: false
upstreams:
  origin:
    targets:
      - url: \${UPSTREAM_URL}
routes:
${routes.join('\n')}
`
}

/** Writes `gateway-5000.yaml` into `dir` and returns its path. */
export function writeManyRoutesConfig (dir: string, count = 5000): string {
  const file = join(dir, `gateway-${count}.yaml`)
  writeFileSync(file, manyRoutesYaml(count))
  return file
}
