/* eslint-disable no-template-curly-in-string -- the cases write ${VAR} references into config text */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'
import { ConfigError } from '../errors.js'
import { loadConfigFile, loadConfigText } from './load.js'

const EXAMPLE = fileURLToPath(new URL('../../examples/gateway.yaml', import.meta.url))

function issuesOf (text: string, env: Record<string, string> = {}): readonly string[] {
  try {
    loadConfigText(text, 'sluice.yaml', env)
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`)
    assert.equal(err.code, 'SLC_CONFIG_INVALID')
    return err.issues
  }
  assert.fail('config loaded without error')
}

const lines = (...l: string[]) => `${l.join('\n')}\n`

/** A valid config; cases append the one defect they test. Lines 1-7. */
const BASE = lines(
  'upstreams:',
  '  users:',
  '    targets: [{ url: "http://127.0.0.1:9001" }]',
  'routes:',
  '  - name: users',
  '    match: { path: /users }',
  '    upstream: users'
)

test('the example config loads with every default filled in', async () => {
  const config = await loadConfigFile(EXAMPLE, {})
  assert.deepEqual(config.server, {
    host: '127.0.0.1',
    port: 8080,
    workers: 1,
    trustedProxies: [],
    drainTimeout: '30s',
    keepAliveTimeout: '5s',
    maxHeaderSize: '16kb',
    maxHeaderCount: 100,
    maxConnections: 10000,
    requestBuffering: '1mb',
    timeouts: { headers: '15s', body: '30s', idle: '60s' },
  })
  assert.deepEqual(config.admin, { host: '127.0.0.1', port: 9901 })
  assert.deepEqual(config.logging, { level: 'info', accessLog: true })
  const { users, orders } = config.upstreams
  assert.deepEqual(users?.timeouts, { connect: '1s', response: '2s', idle: '60s' })
  assert.deepEqual(users?.pool, { connections: 128, keepAliveTimeout: '4s' })
  assert.deepEqual(users?.targets.map((t) => t.weight), [1, 1])
  assert.equal(orders?.balancer, 'weighted')
  assert.deepEqual(orders?.targets.map((t) => t.weight), [3, 1])
  assert.deepEqual(orders?.timeouts, { connect: '5s', response: '30s', idle: '60s' })
  assert.deepEqual(config.routes.map((r) => [r.name, r.priority, r.preserveHost]), [
    ['users', 0, false], ['orders-beta', 10, false], ['orders', 0, false],
  ])
  assert.deepEqual(config.routes[1]?.match, { path: '/api/orders', headers: { 'x-beta': 'true' } })
  assert.equal(config.routes[0]?.stripPrefix, '/api')
  assert.equal(config.routes[0]?.maxBodySize, undefined)
})

test('the loaded config is deep-frozen', async () => {
  const config = await loadConfigFile(EXAMPLE, {})
  for (const value of [config, config.server, config.server.trustedProxies, config.upstreams,
    config.upstreams.users?.targets[0], config.routes, config.routes[2]?.match.methods]) {
    assert.ok(Object.isFrozen(value))
  }
  assert.throws(() => { (config.server as { port: number }).port = 1 }, TypeError)
  assert.throws(() => { (config.routes as unknown[]).push({}) }, TypeError)
})

const cases: { desc: string, text: string, env?: Record<string, string>, issues: Array<string | RegExp> }[] = [
  {
    desc: 'YAML syntax error',
    text: BASE + lines('server:', '  port: 80: 81'),
    issues: ['sluice.yaml:9:9 YAML syntax error: Nested mappings are not allowed in compact mappings'],
  },
  {
    desc: 'duplicate key is a syntax error at the second key',
    text: BASE + lines('server: {}', 'server: {}'),
    issues: ['sluice.yaml:9:1 YAML syntax error: Map keys must be unique'],
  },
  {
    desc: 'wrong type',
    text: BASE + lines('logging:', '  accessLog: yes'),
    issues: ['sluice.yaml:9:14 logging.accessLog: expected true or false (got "yes")'],
  },
  {
    desc: 'wrong type for an object',
    text: BASE + lines('server: 8080'),
    issues: ['sluice.yaml:8:9 server: expected a mapping (got 8080)'],
  },
  {
    desc: 'integer out of range',
    text: BASE + lines('server:', '  port: 70000'),
    issues: ['sluice.yaml:9:9 server.port: must be between 0 and 65535 (got 70000)'],
  },
  {
    desc: 'bad duration',
    text: BASE + lines('server:', '  drainTimeout: 10 seconds'),
    issues: ['sluice.yaml:9:17 server.drainTimeout: expected a duration like 250ms, 10s, 1m (got "10 seconds")'],
  },
  {
    desc: 'bad size',
    text: BASE + lines('server:', '  maxHeaderSize: 16 kilobytes'),
    issues: ['sluice.yaml:9:18 server.maxHeaderSize: expected a size like 512b, 16kb, 10mb (got "16 kilobytes")'],
  },
  {
    desc: 'bad enum',
    text: BASE.replace('  users:\n', '  users:\n    balancer: fastest\n'),
    issues: ['sluice.yaml:3:15 upstreams.users.balancer: must be one of round-robin, weighted, least-request, ' +
      'random, consistent-hash (got "fastest")'],
  },
  {
    desc: 'enum value with a typo gets a hint',
    text: BASE.replace('  users:\n', '  users:\n    balancer: round_robin\n'),
    issues: ['sluice.yaml:3:15 upstreams.users.balancer: must be one of round-robin, weighted, least-request, ' +
      'random, consistent-hash (got "round_robin"; did you mean "round-robin"?)'],
  },
  {
    desc: 'unknown key with a hint points at the key',
    text: BASE.replace('    upstream: users', '    uptream: users'),
    issues: [
      'sluice.yaml:5:5 routes[0]: missing required key "upstream"',
      'sluice.yaml:7:5 routes[0]: unknown key "uptream" (did you mean "upstream"?)',
    ],
  },
  {
    desc: 'unknown key without a close match has no hint',
    text: BASE + lines('tls: {}'),
    issues: ['sluice.yaml:8:1 (root): unknown key "tls"'],
  },
  {
    desc: 'missing required key points at the parent object',
    text: lines('upstreams:', '  users:', '    balancer: random', 'routes: []'),
    issues: ['sluice.yaml:3:5 upstreams.users: missing required key "targets"'],
  },
  {
    desc: 'empty file lists the required top-level keys',
    text: '',
    issues: [
      'sluice.yaml:1:1 (root): missing required key "upstreams"',
      'sluice.yaml:1:1 (root): missing required key "routes"',
    ],
  },
  {
    desc: 'target url with a path',
    text: BASE.replace('9001"', '9001/api"'),
    issues: ['sluice.yaml:3:22 upstreams.users.targets[0].url: expected an http:// or https:// origin like ' +
      'http://127.0.0.1:9001 (no path) (got "http://127.0.0.1:9001/api")'],
  },
  {
    desc: 'invalid upstream name',
    text: BASE.replace('routes:\n', lines('  "billing api":', '    targets: [{ url: "http://127.0.0.1:9002" }]', 'routes:')),
    issues: ['sluice.yaml:4:3 upstreams: invalid name "billing api" (must match ^[A-Za-z0-9_.-]+$)'],
  },
  {
    desc: 'empty match',
    text: BASE.replace('{ path: /users }', '{}'),
    issues: ['sluice.yaml:6:12 routes[0].match: must set at least one of path, pathExact, pathRegex, host, ' +
      'methods, headers, query'],
  },
  {
    desc: 'unknown upstream with a hint',
    text: BASE.replace('    upstream: users', '    upstream: user'),
    issues: ['sluice.yaml:7:15 routes[0].upstream: unknown upstream "user" (did you mean "users"?)'],
  },
  {
    desc: 'duplicate route name',
    text: BASE + lines('  - name: users', '    match: { pathExact: /health }', '    upstream: users'),
    issues: ['sluice.yaml:8:11 routes[1].name: duplicate route name "users" (first used by routes[0])'],
  },
  {
    desc: 'two of path, pathExact, pathRegex',
    text: BASE.replace('{ path: /users }', '{ path: /users, pathRegex: "^/u" }'),
    issues: ['sluice.yaml:6:12 routes[0].match: set only one of path, pathExact, pathRegex (found path and pathRegex)'],
  },
  {
    desc: 'bad regex in pathRegex',
    text: BASE.replace('{ path: /users }', '{ pathRegex: "^/(users" }'),
    issues: ['sluice.yaml:6:25 routes[0].match.pathRegex: invalid regular expression "^/(users" (Unterminated group)'],
  },
  {
    desc: 'bad regex in a header matcher written /.../',
    text: BASE.replace('{ path: /users }', '{ path: /users, headers: { x-v: "/[/" } }'),
    issues: ['sluice.yaml:6:44 routes[0].match.headers.x-v: invalid regular expression "[" ' +
      '(Unterminated character class)'],
  },
  {
    desc: 'catastrophic backtracking in pathRegex',
    text: BASE.replace('{ path: /users }', '{ pathRegex: "^/(a+)+$" }'),
    issues: ['sluice.yaml:6:25 routes[0].match.pathRegex: unsafe regular expression "^/(a+)+$" (catastrophic ' +
      'backtracking: `a+` can take exponential time on a run of "a")'],
  },
  {
    desc: 'catastrophic backtracking in a header matcher (overlapping branches)',
    text: BASE.replace('{ path: /users }', '{ path: /users, headers: { x-v: "/^(\\\\w|\\\\d)+$/" } }'),
    issues: ['sluice.yaml:6:44 routes[0].match.headers.x-v: unsafe regular expression "^(\\\\w|\\\\d)+$" ' +
      '(catastrophic backtracking: the branches of `(\\w|\\d)+` can match the same text, so it can take exponential time)'],
  },
  {
    desc: 'polynomial backtracking in a query matcher',
    text: BASE.replace('{ path: /users }', '{ path: /users, query: { q: "/.*a.*b/" } }'),
    issues: [/sluice.yaml:6:40 routes\[0\]\.match\.query\.q: unsafe regular expression "\.\*a\.\*b" \(catastrophic backtracking: `\.\*` can take polynomial time/],
  },
  {
    desc: 'catastrophic backtracking in rewrite.pattern',
    text: BASE + lines('    rewrite: { pattern: "^/(x+x+)+y", replacement: /y }'),
    issues: [/sluice.yaml:8:25 routes\[0\]\.rewrite\.pattern: unsafe regular expression .*exponential/],
  },
  {
    desc: 'rewrite replacement naming a group the pattern lacks',
    text: BASE + lines('    rewrite: { pattern: "^/u/(?<id>\\\\d+)", replacement: "/users/$<di>/$2" }'),
    issues: [
      'sluice.yaml:8:57 routes[0].rewrite.replacement: $<di> names no group of rewrite.pattern (did you mean "id"?) (its named groups: id)',
      'sluice.yaml:8:57 routes[0].rewrite.replacement: $2 refers to group 2, but rewrite.pattern has 1 capture group',
    ],
  },
  {
    desc: 'rewrite replacement with a named group when the pattern has none',
    text: BASE + lines('    rewrite: { pattern: "^/u", replacement: "/$<id>" }'),
    issues: ['sluice.yaml:8:45 routes[0].rewrite.replacement: $<id> names no group of rewrite.pattern (the pattern has no named groups)'],
  },
  {
    desc: 'mid-label host wildcard',
    text: BASE.replace('{ path: /users }', '{ path: /users, host: [api.example.com, "api.*.example.com", "*"] }'),
    issues: [
      'sluice.yaml:6:52 routes[0].match.host[1]: "api.*.example.com": a wildcard must be the whole first label, like "*.example.com"',
      'sluice.yaml:6:73 routes[0].match.host[2]: "*" matches no host: leave match.host out to match every host',
    ],
  },
  {
    desc: 'partial first-label host wildcard',
    text: BASE.replace('{ path: /users }', '{ path: /users, host: "api-*.example.com" }'),
    issues: ['sluice.yaml:6:34 routes[0].match.host: "api-*.example.com": a wildcard must be the whole first label, like "*.example.com"'],
  },
  {
    desc: 'bad CIDR',
    text: BASE + lines('server:', '  trustedProxies: [10.0.0.0/8, 10.0.0.0/33, "fd00::/8"]'),
    issues: ['sluice.yaml:9:32 server.trustedProxies[1]: invalid CIDR "10.0.0.0/33" ' +
      '(expected an IPv4 or IPv6 address with an optional /prefix)'],
  },
  {
    desc: 'bad CIDR in a route\'s ipRules',
    text: BASE + lines('    ipRules: { allow: [10.0.0.0/8], deny: [10.0.0/8] }'),
    issues: ['sluice.yaml:8:44 routes[0].ipRules.deny[0]: invalid CIDR "10.0.0/8" ' +
      '(expected an IPv4 or IPv6 address with an optional /prefix)'],
  },
  {
    desc: 'bad origin in the top-level cors default',
    text: BASE + lines('cors: { allowOrigins: ["https://a.*.example.com", "app.example.com"] }'),
    issues: [
      'sluice.yaml:8:24 cors.allowOrigins[0]: "https://a.*.example.com": a wildcard may only stand for the leading labels (https://*.example.com)',
      'sluice.yaml:8:51 cors.allowOrigins[1]: "app.example.com": expected an origin like https://app.example.com, ' +
        'a wildcard like https://*.example.com, or *',
    ],
  },
  {
    desc: 'HS256 beside a JWKS (key confusion), and a route naming an unknown issuer',
    text: BASE + lines(
      '    auth: { methods: ["jwt:other"] }',
      'auth:',
      '  jwt:',
      '    - { name: corp, issuer: "https://idp/", jwksUrl: "https://idp/jwks", algorithms: [RS256, HS256] }'
    ),
    issues: [
      'sluice.yaml:8:23 routes[0].auth.methods[0]: no auth.jwt provider named "other"',
      'sluice.yaml:11:86 auth.jwt[0].algorithms: HS256 need a secret; with jwksUrl list only asymmetric algorithms',
    ],
  },
  {
    desc: 'a zero head timeout, a zero connection cap and a bad buffering size',
    text: BASE + lines('server:', '  timeouts: { headers: 0 }', '  maxConnections: 0', '  requestBuffering: lots'),
    issues: [
      'sluice.yaml:9:24 server.timeouts.headers: must be above 0 (a connection may not take forever to send its head)',
      'sluice.yaml:10:19 server.maxConnections: must be >= 1 (got 0)',
      'sluice.yaml:11:21 server.requestBuffering: expected a size like 512b, 16kb, 10mb (got "lots")',
    ],
  },
  {
    desc: 'a zero head timeout',
    text: BASE + lines('server:', '  timeouts: { headers: 0s, idle: 0 }'),
    issues: ['sluice.yaml:9:24 server.timeouts.headers: must be above 0 (a connection may not take forever to send its head)'],
  },
  {
    desc: 'hashOn missing for consistent-hash',
    text: BASE.replace('  users:\n', '  users:\n    balancer: consistent-hash\n'),
    issues: ['sluice.yaml:3:5 upstreams.users: missing hashOn (header:NAME, cookie:NAME or ip), ' +
      'required by balancer consistent-hash'],
  },
  {
    desc: 'hashOn with another balancer',
    text: BASE.replace('  users:\n', '  users:\n    hashOn: ip\n'),
    issues: ['sluice.yaml:3:13 upstreams.users.hashOn: hashOn only applies to balancer consistent-hash, not round-robin'],
  },
  {
    desc: 'several schema errors are all reported, in document order',
    text: BASE.replace('  users:\n', '  users:\n    balancer: fastest\n') +
      lines('server:', '  port: -1', '  drainTimeout: soon', 'logging: { level: loud, acessLog: true }'),
    issues: [
      'sluice.yaml:3:15 upstreams.users.balancer: must be one of round-robin, weighted, least-request, ' +
        'random, consistent-hash (got "fastest")',
      'sluice.yaml:10:9 server.port: must be between 0 and 65535 (got -1)',
      'sluice.yaml:11:17 server.drainTimeout: expected a duration like 250ms, 10s, 1m (got "soon")',
      'sluice.yaml:12:19 logging.level: must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
      'sluice.yaml:12:25 logging: unknown key "acessLog" (did you mean "accessLog"?)',
    ],
  },
  {
    desc: 'several cross-reference errors are all reported',
    text: BASE + lines('  - name: users', '    match: { path: /a, pathExact: /b }', '    upstream: orders'),
    issues: [
      'sluice.yaml:8:11 routes[1].name: duplicate route name "users" (first used by routes[0])',
      'sluice.yaml:9:12 routes[1].match: set only one of path, pathExact, pathRegex (found path and pathExact)',
      'sluice.yaml:10:15 routes[1].upstream: unknown upstream "orders"',
    ],
  },
  {
    desc: 'an unset environment variable is located and named',
    text: lines('server:', '  host: 127.0.0.1', '  port: ${PORT}') + BASE,
    issues: ['sluice.yaml:3:9 server.port: environment variable PORT is not set and has no default'],
  },
  {
    desc: 'an interpolated value is validated like a written one',
    text: lines('server:', '  port: ${PORT}') + BASE,
    env: { PORT: 'eighty' },
    issues: ['sluice.yaml:2:9 server.port: expected an integer >= 0 (got "eighty")'],
  },
]

for (const c of cases) {
  test(`config error: ${c.desc}`, () => {
    const got = issuesOf(c.text, c.env)
    assert.equal(got.length, c.issues.length, got.join('\n'))
    c.issues.forEach((want, i) => {
      if (typeof want === 'string') assert.equal(got[i], want)
      else assert.match(got[i] as string, want)
    })
  })
}

test('ConfigError message lists the issues one per line, schema and cross-check alike', () => {
  const text = BASE.replace('    upstream: users', '    upstream: user') + lines('tls: {}')
  assert.throws(() => loadConfigText(text, 'gw.yaml', {}), (err: unknown) => {
    assert.ok(err instanceof ConfigError)
    assert.equal(err.message, err.issues.join('\n'))
    assert.deepEqual(err.issues, [
      'gw.yaml:7:15 routes[0].upstream: unknown upstream "user" (did you mean "users"?)',
      'gw.yaml:8:1 (root): unknown key "tls"',
    ], 'cross-checks are listed beside schema errors')
    return true
  })
})

test('an unreadable file is a ConfigError naming the file', async () => {
  await assert.rejects(loadConfigFile('/nonexistent/sluice.yaml', {}), (err: unknown) => {
    assert.ok(err instanceof ConfigError)
    assert.deepEqual(err.issues, ['/nonexistent/sluice.yaml: cannot read file (ENOENT)'])
    return true
  })
})
