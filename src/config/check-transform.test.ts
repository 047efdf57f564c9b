/* eslint-disable no-template-curly-in-string -- the cases write ${…} templates into config text */
// Bad transform options are config errors naming file:line:col and the key, found by the loader
// (and so by `sluice validate`) before any request runs.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ConfigError } from '../errors.js'
import { loadConfigText } from './load.js'

const lines = (...l: string[]) => `${l.join('\n')}\n`

/** Lines 1-7; line 8 is the route's transform block under test. */
const config = (transform: string): string => lines(
  'upstreams:',
  '  users:',
  '    targets: [{ url: "http://127.0.0.1:9001" }]',
  'routes:',
  '  - name: users',
  '    match: { path: /users }',
  '    upstream: users',
  `    transform: ${transform}`
)

function issuesOf (text: string): readonly string[] {
  try {
    loadConfigText(text, 'sluice.yaml', {})
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`)
    return err.issues
  }
  assert.fail('config loaded without error')
}

const cases: Array<{ desc: string, transform: string, issues: Array<string | RegExp> }> = [
  {
    desc: 'unknown template variable',
    transform: '{ request: { headers: { set: { x-a: "${request.hedaer.x}" } } } }',
    issues: ['sluice.yaml:8:52 routes[0].transform.request.headers.set.x-a: unknown template variable ' +
      '${request.hedaer.x} (known: ${request.id}, ${request.method}, ${request.path}, ${request.header.NAME}, ' +
      '${request.query.NAME}, ${client.ip}, ${route.name}, ${consumer.id}, ${consumer.plan}, ' +
      '${consumer.metadata.KEY}, ${claim.PATH})'],
  },
  {
    desc: 'unclosed template in a query value',
    transform: '{ request: { query: { set: { v: "a${route.name" } } } }',
    issues: ['sluice.yaml:8:48 routes[0].transform.request.query.set.v: unclosed "${" at character 2'],
  },
  {
    desc: 'a header name in a template that is not a token',
    transform: '{ response: { headers: { add: { x-a: "${request.header.a b}" } } } }',
    issues: ['sluice.yaml:8:53 routes[0].transform.response.headers.add.x-a: "a b" is not a header name'],
  },
  {
    desc: 'a header the gateway owns',
    transform: '{ request: { headers: { remove: [Content-Length], rename: { x-a: host } } } }',
    issues: [
      'sluice.yaml:8:49 routes[0].transform.request.headers.remove[0]: "Content-Length" is managed by the gateway itself and cannot be transformed',
      'sluice.yaml:8:81 routes[0].transform.request.headers.rename.x-a: "host" is managed by the gateway itself and cannot be transformed',
    ],
  },
  {
    desc: 'a control character in a constant header value',
    transform: '{ response: { headers: { set: { x-a: "a\\tb\\u0001" } } } }',
    issues: ['sluice.yaml:8:53 routes[0].transform.response.headers.set.x-a: a header value cannot hold control characters or characters above U+00FF'],
  },
  {
    desc: 'JSON paths that are not pointers',
    transform: '{ response: { json: { remove: [secret, "/a~2"], set: { "": 1 } } } }',
    issues: [
      'sluice.yaml:8:47 routes[0].transform.response.json.remove[0]: "secret" is not a JSON Pointer (it must start with "/")',
      'sluice.yaml:8:55 routes[0].transform.response.json.remove[1]: "/a~2": "~" must be followed by 0 or 1 (RFC 6901 escapes ~0 and ~1)',
      'sluice.yaml:8:71 routes[0].transform.response.json.set[""]: the whole document cannot be addressed; start the pointer with "/"',
    ],
  },
  {
    desc: 'a rename with * that leaves its element',
    transform: '{ request: { json: { rename: { "/items/*/a": "/other/*/a" } } } }',
    issues: ['sluice.yaml:8:61 routes[0].transform.request.json.rename./items/*/a: with "*", both pointers must be the ' +
      'same up to the last "*" (a rename moves a member within each element)'],
  },
  {
    desc: 'a JSON set with an unknown variable',
    transform: '{ request: { json: { set: { "/a": "${consumer.name}" } } } }',
    issues: [/sluice.yaml:8:\d+ routes\[0\]\.transform\.request\.json\.set\.\/a: unknown template variable \$\{consumer\.name\}/],
  },
]

for (const c of cases) {
  test(c.desc, () => {
    const issues = issuesOf(config(c.transform))
    assert.equal(issues.length, c.issues.length, issues.join('\n'))
    c.issues.forEach((want, i) => {
      if (typeof want === 'string') assert.equal(issues[i], want)
      else assert.match(issues[i]!, want)
    })
  })
}

test('a top-level transform default is checked the same way', () => {
  const text = config('{ response: { headers: { remove: [x-a] } } }') + 'transform: { request: { headers: { set: { x-a: "${nope.x}" } } } }\n'
  const issues = issuesOf(text)
  assert.equal(issues.length, 1)
  assert.match(issues[0]!, /^sluice\.yaml:9:\d+ transform\.request\.headers\.set\.x-a: unknown template variable \$\{nope\.x\}/)
})

test('a valid transform loads, with maxBodySize defaulted', () => {
  const loaded = loadConfigText(config('{ request: { headers: { set: { x-a: "${consumer.metadata.team}" } } } }'), 'sluice.yaml', {})
  assert.equal(loaded.routes[0]!.transform!.maxBodySize, '1mb')
})
