// The package as a consumer gets it: `npm pack` (which builds on prepack), then the tarball is
// installed into a scratch project and its `sluice` bin is run. The scratch project gets a lockfile
// derived from ours, so `npm ci --offline` installs from the npm cache that our own `npm ci` filled:
// no network, and the same dependency versions the suite ran against.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { packagesLoadedBy } from '../helpers/imports.js'
import { consumerSource, hover } from '../helpers/typescript.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'sluice-pack-'))
after(() => rmSync(dir, { recursive: true, force: true }))

interface Run { code: number, out: string }

function run (cmd: string, args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, timeout: 60_000, env: { ...process.env, npm_config_update_notifier: 'false' } },
      (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, out: `${stdout}${stderr}` })
      })
  })
}

interface LockEntry { dev?: boolean, devOptional?: boolean }
interface Manifest {
  name: string
  version: string
  license?: string
  repository?: unknown
  homepage?: string
  bugs?: unknown
  bin?: Record<string, string>
  engines?: Record<string, string>
  scripts?: Record<string, string>
  dependencies?: Record<string, string>
}

function filesUnder (root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name))
}

test('npm pack: the tarball installs without install scripts, ships what it needs, and its bin runs', { timeout: 150_000 }, async () => {
  const packDir = join(dir, 'pack')
  mkdirSync(packDir)
  const pack = await run('npm', ['pack', '--pack-destination', packDir], ROOT)
  assert.equal(pack.code, 0, pack.out)
  const tgzName = readdirSync(packDir).find((f) => f.endsWith('.tgz'))
  assert.ok(tgzName, `no tarball in ${packDir}:\n${pack.out}`)
  const tgz = join(packDir, tgzName)

  const unpacked = join(dir, 'unpacked')
  mkdirSync(unpacked)
  const untar = await run('tar', ['xzf', tgz, '-C', unpacked], dir)
  assert.equal(untar.code, 0, untar.out)
  const pkgDir = join(unpacked, 'package')
  const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as Manifest

  // Install-time hooks make package managers warn (and pnpm/bun/npm's allowScripts skip them):
  // a consumer must not need any. prepare would also run on a git install.
  for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) {
    assert.equal(manifest.scripts?.[hook], undefined, `the package declares a "${hook}" script`)
  }
  assert.ok(existsSync(join(pkgDir, 'LICENSE')), 'LICENSE is not in the tarball')
  assert.match(readFileSync(join(pkgDir, 'LICENSE'), 'utf8'), new RegExp(`${manifest.license} License`))
  assert.ok(manifest.repository && manifest.homepage && manifest.bugs, 'repository, homepage and bugs must be set')

  // Every source map must lead somewhere: either the source ships or its text is inlined.
  const files = filesUnder(join(pkgDir, 'dist'))
  const maps = files.filter((f) => f.endsWith('.js.map'))
  assert.ok(maps.length > 10, `expected source maps in dist, found ${maps.length}`)
  for (const map of maps) {
    const m = JSON.parse(readFileSync(map, 'utf8')) as { sources: string[], sourcesContent?: Array<string | null> }
    m.sources.forEach((src, i) => {
      const resolved = typeof m.sourcesContent?.[i] === 'string' || existsSync(resolve(dirname(map), src))
      assert.ok(resolved, `${map.slice(pkgDir.length)}: source ${src} is neither shipped nor inlined`)
    })
  }

  // No unused dependency: each one is imported by the shipped code.
  const code = files.filter((f) => f.endsWith('.js')).map((f) => readFileSync(f, 'utf8')).join('\n')
  for (const dep of Object.keys(manifest.dependencies ?? {})) {
    assert.ok(code.includes(`from '${dep}'`) || code.includes(`from '${dep}/`) || code.includes(`import('${dep}`),
      `dependency ${dep} is not imported by anything in dist/`)
  }

  // No missing dependency either: every package the shipped code imports is declared (a module that
  // is only in our node_modules through a devDependency would be missing for a consumer).
  const declared = new Set(Object.keys(manifest.dependencies ?? {}))
  for (const m of code.matchAll(/(?:from |import\()'([^'.][^']*)'/g)) {
    const spec = m[1]!
    if (spec.startsWith('node:')) continue
    const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!
    assert.ok(declared.has(name), `dist/ imports ${spec}, but ${name} is not in dependencies`)
  }

  // The scratch project: a lockfile made of our production entries plus the tarball.
  const scratch = join(dir, 'scratch')
  mkdirSync(scratch)
  const ourLock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> }
  const spec = `file:${tgz}`
  const packages: Record<string, unknown> = {
    '': { name: 'scratch', version: '1.0.0', dependencies: { [manifest.name]: spec } },
    [`node_modules/${manifest.name}`]: {
      version: manifest.version,
      resolved: spec,
      integrity: `sha512-${createHash('sha512').update(readFileSync(tgz)).digest('base64')}`,
      license: manifest.license,
      dependencies: manifest.dependencies,
      bin: manifest.bin,
      engines: manifest.engines,
    },
  }
  for (const [path, entry] of Object.entries(ourLock.packages)) {
    if (path !== '' && !entry.dev && !entry.devOptional) packages[path] = entry
  }
  writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'scratch', version: '1.0.0', private: true, dependencies: { [manifest.name]: spec } }))
  writeFileSync(join(scratch, 'package-lock.json'), JSON.stringify({ name: 'scratch', version: '1.0.0', lockfileVersion: 3, requires: true, packages }))

  const install = await run('npm', ['ci', '--offline', '--no-audit', '--no-fund'], scratch)
  assert.equal(install.code, 0, install.out)
  assert.doesNotMatch(install.out, /install.?script|warn/i, `npm ci printed a warning:\n${install.out}`)

  const help = await run('npx', ['--offline', 'sluice', '--help'], scratch)
  assert.equal(help.code, 0, help.out)
  assert.match(help.out, new RegExp(`^sluice ${manifest.version.replace(/\./g, '\\.')}: API gateway`))
  assert.match(help.out, /Commands:\n\s+start/)

  // The subpath entries resolve from the installed package, and the dispatcher's stays light.
  const dispatcherLoads = await packagesLoadedBy('sluice/dispatcher', scratch, [])
  assert.ok(dispatcherLoads.has('undici'), [...dispatcherLoads].join(', '))
  for (const name of ['pino', 'prom-client', 'yaml', 'jose']) assert.ok(!dispatcherLoads.has(name), `sluice/dispatcher loaded ${name}`)
  assert.ok((await packagesLoadedBy('sluice/gateway', scratch, [])).has('pino'))

  // Types as a consumer gets them from the tarball: a misspelt supplier name fails `tsc --strict`,
  // the right one compiles, and an editor's hover on createDispatcher has text.
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc')
  const typeRoots = join(ROOT, 'node_modules/@types')
  const strict = (file: string) => run(process.execPath, [tsc, '--strict', '--noEmit', '--module', 'nodenext', '--target', 'es2022',
    '--types', 'node', '--typeRoots', typeRoots, file], scratch)
  writeFileSync(join(scratch, 'right.mts'), consumerSource('sluice/dispatcher', 'hotels'))
  writeFileSync(join(scratch, 'misspelt.mts'), consumerSource('sluice', 'hotel'))
  const right = await strict('right.mts')
  assert.equal(right.code, 0, right.out)
  const misspelt = await strict('misspelt.mts')
  assert.notEqual(misspelt.code, 0)
  assert.match(misspelt.out, /misspelt\.mts\(9,\d+\): error TS\d+: Type '"hotel"' is not assignable to type '"hotels" \| "flights"'/)
  const shown = hover(join(scratch, 'right.mts'), 'createDispatcher', 'const d = ')
  assert.match(shown.documentation, /named suppliers/, JSON.stringify(shown))
})
