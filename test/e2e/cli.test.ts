// The CLI as users run it: a child process per invocation, exit codes and output checked.
import { describe, test, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const MAIN = join(ROOT, 'src/cli/main.ts')
// Resolved here, not by the child: the child runs in a temp dir where 'tsx' would not resolve.
const TSX = import.meta.resolve('tsx')
const dir = mkdtempSync(join(tmpdir(), 'sluice-cli-'))
after(() => rmSync(dir, { recursive: true, force: true }))

interface Result { code: number, stdout: string, stderr: string }

function sluice (args: string[], env: NodeJS.ProcessEnv = {}): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', TSX, MAIN, ...args], { cwd: dir, env: { ...process.env, ...env }, timeout: 20_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0
        resolve({ code, stdout, stderr })
      })
  })
}

const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version

const GOOD = `upstreams:
  users:
    targets:
      - url: http://127.0.0.1:9001
routes:
  - name: users
    match: { path: /api/users }
    upstream: users
`

// Each case is a separate process; running a few at once keeps the file to a few seconds.
describe('sluice CLI', { concurrency: 4 }, () => {
  test('--help lists every command and exits 0', async () => {
    const r = await sluice(['--help'])
    assert.equal(r.code, 0, r.stderr)
    for (const cmd of ['start', 'validate', 'schema', 'demo', 'dispatch']) assert.match(r.stdout, new RegExp(`^ {2}${cmd} `, 'm'))
    assert.match(r.stdout, /SLUICE_CONFIG/)
    assert.equal(r.stderr, '')
  })

  test('--version prints the package.json version', async () => {
    const r = await sluice(['--version'])
    assert.equal(r.code, 0)
    assert.equal(r.stdout, `${version}\n`)
  })

  test('<command> --help shows that command\'s options, and where else the config file may come from', async () => {
    const r = await sluice(['start', '--help'])
    assert.equal(r.code, 0)
    assert.match(r.stdout, /Usage: sluice start \[-c\] FILE/)
    assert.match(r.stdout, /-c, --config FILE .*default: \$SLUICE_CONFIG/)
  })

  const usageErrors = [
    { desc: 'unknown command', args: ['frobnicate'], message: /unknown command "frobnicate" \(commands: start,/ },
    { desc: 'misspelt command', args: ['strat'], message: /unknown command "strat" \(did you mean "start"\?\)/ },
    { desc: 'misspelt flag', args: ['validate', '--confg', 'x.yaml'], message: /unknown option --confg \(did you mean --config\?\)$/m },
    { desc: 'config file given twice', args: ['validate', '-c', 'a.yaml', 'b.yaml'], message: /validate takes one config file: -c a\.yaml or b\.yaml, not both/ },
    { desc: 'two config files', args: ['validate', 'a.yaml', 'b.yaml'], message: /unexpected argument "b\.yaml"/ },
    { desc: 'unknown global flag', args: ['--frobnicate'], message: /unknown option --frobnicate/ },
    { desc: 'unknown command flag', args: ['validate', '--nope'], message: /unknown option --nope/ },
    { desc: 'flag without its value', args: ['validate', '-c'], message: /--config needs a value/ },
    { desc: 'start without a config', args: ['start'], message: /start needs a config file: sluice start FILE, -c FILE or SLUICE_CONFIG=FILE/ },
    { desc: 'bad demo port', args: ['demo', '--port', 'http'], message: /--port must be a port number/ },
  ]

  for (const c of usageErrors) {
    test(`usage error, exit 2: ${c.desc}`, async () => {
      const r = await sluice(c.args, { SLUICE_CONFIG: '' })
      assert.equal(r.code, 2, r.stderr)
      assert.match(r.stderr, c.message)
      assert.match(r.stderr, /Run 'sluice .*--help' for usage/)
      assert.equal(r.stdout, '')
    })
  }

  test('schema prints a JSON Schema that describes the config', async () => {
    const r = await sluice(['schema'])
    assert.equal(r.code, 0, r.stderr)
    const schema = JSON.parse(r.stdout) as { $schema?: string, properties?: Record<string, unknown> }
    assert.match(schema.$schema ?? '', /json-schema\.org/)
    for (const key of ['server', 'admin', 'upstreams', 'routes']) assert.ok(schema.properties?.[key], key)
  })

  test('validate prints ok and exits 0 for a valid file (FILE, -c FILE and SLUICE_CONFIG)', async () => {
    const file = join(dir, 'good.yaml')
    writeFileSync(file, GOOD)
    const r = await sluice(['validate', '-c', file])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout.trim(), 'ok')
    const bare = await sluice(['validate', 'good.yaml'])
    assert.equal(bare.code, 0, bare.stderr)
    assert.equal(bare.stdout, 'ok\n')
    const viaEnv = await sluice(['validate'], { SLUICE_CONFIG: 'good.yaml' })
    assert.equal(viaEnv.code, 0, viaEnv.stderr)
    assert.equal(viaEnv.stdout.trim(), 'ok')
  })

  test('validate warns about a bare-number timeout on stderr and still says ok', async () => {
    const file = join(dir, 'ms.yaml')
    writeFileSync(file, GOOD.replace('      - url: http://127.0.0.1:9001\n', '      - url: http://127.0.0.1:9001\n    timeouts: { response: 30 }\n'))
    const r = await sluice(['validate', 'ms.yaml'])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, 'ok\n')
    assert.equal(r.stderr, `warning: ${file}:5:27 upstreams.users.timeouts.response: 30 is read as 30ms; ` +
      'write 30s if seconds were meant, or "30ms" to keep it and silence this warning\n')
  })

  test('validate prints every located error and exits 1', async () => {
    const file = join(dir, 'bad.yaml')
    writeFileSync(file, GOOD.replace('    upstream: users', '    priority: high\n    upstream: users') + 'bogus: 1\n')
    const r = await sluice(['validate', '-c', file])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /bad\.yaml:8:\d+ routes\[0\]\.priority/)
    assert.match(r.stderr, /bad\.yaml:10:\d+ .*bogus/)
    assert.doesNotMatch(r.stdout, /^ok$/m)
  })

  test('validate reports a cross-reference error with its location', async () => {
    const file = join(dir, 'xref.yaml')
    writeFileSync(file, GOOD.replace('    upstream: users', '    upstream: user'))
    const r = await sluice(['validate', '-c', file])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /xref\.yaml:8:\d+ routes\[0\]\.upstream: .*"user"/)
  })

  test('start with an invalid config exits 1 with the located errors, before listening', async () => {
    const file = join(dir, 'bad-start.yaml')
    writeFileSync(file, GOOD.replace('    upstream: users', '    upstream: user'))
    const r = await sluice(['start', '-c', file])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /bad-start\.yaml:8:\d+ routes\[0\]\.upstream/)
    assert.doesNotMatch(r.stdout, /listening/)
  })

  test('validate on a missing file exits 1 and names the file', async () => {
    const r = await sluice(['validate', '-c', 'missing.yaml'])
    assert.equal(r.code, 1)
    assert.match(r.stdout + r.stderr, /missing\.yaml/)
  })
})
