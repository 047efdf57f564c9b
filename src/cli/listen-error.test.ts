import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigError } from '../errors.js'
import { listenError } from './listen-error.js'

const dir = mkdtempSync(join(tmpdir(), 'sluice-listen-'))
after(() => rmSync(dir, { recursive: true, force: true }))
const file = join(dir, 'gw.yaml')
writeFileSync(file, 'server:\n  host: 10.9.9.9\n  port: 80\nupstreams: {}\nroutes: []\n')

const sysError = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`listen ${code}`), { code, syscall: 'listen' })

const cases = [
  {
    desc: 'EACCES on a low port',
    code: 'EACCES',
    section: 'server' as const,
    address: { host: '10.9.9.9', port: 80 },
    issue: `${file}:3:9 server.port: cannot listen on 10.9.9.9:80: permission denied (EACCES; ports below 1024 need privileges)`,
  },
  {
    desc: 'EADDRNOTAVAIL points at the host',
    code: 'EADDRNOTAVAIL',
    section: 'server' as const,
    address: { host: '10.9.9.9', port: 80 },
    issue: `${file}:2:9 server.host: cannot listen on 10.9.9.9:80: no such address on this machine (EADDRNOTAVAIL)`,
  },
  {
    desc: 'a default port says so',
    code: 'EADDRINUSE',
    section: 'admin' as const,
    address: { host: '::1', port: 9901 },
    issue: `${file}:1:1 admin.port: cannot listen on [::1]:9901: the port is already in use (EADDRINUSE) (9901 is the default; set admin.port to change it)`,
  },
]

for (const c of cases) {
  test(`listenError: ${c.desc}`, async () => {
    const err = await listenError(sysError(c.code), c.section, file, c.address)
    assert.ok(err instanceof ConfigError)
    assert.deepEqual(err.issues, [c.issue])
  })
}

test('listenError leaves other errors as they are', async () => {
  const other = sysError('EMFILE')
  assert.equal(await listenError(other, 'server', file, { host: '127.0.0.1', port: 1 }), other)
})
