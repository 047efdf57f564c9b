// Walks the README as a newcomer would: every ```sh block marked `<!-- readme-walk -->` runs, in
// order, in a fresh copy of the repository (the files git would clone, as they are in the working
// tree). What each line's comment promises is what is checked:
//   cmd  # prints: TEXT                     cmd exits 0 and its output contains TEXT
//   cmd  # runs until Ctrl-C; shows: TEXT   cmd keeps running once TEXT appears; it gets the Ctrl-C
//                                           (SIGINT to its process group) when its README section ends
// A remark after two spaces (`# prints: ok   (round-robin)`) is not part of TEXT.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
/** Ports the walked commands bind: the demo's and examples/gateway.yaml's. */
const PORTS = [8080, 9901, 9001, 9002, 9003, 9004]

interface Step { command: string, kind: 'prints' | 'shows' | 'none', expect: string }
interface Section { title: string, steps: Step[] }

export function walkedSections (readme: string): Section[] {
  const sections: Section[] = []
  let current: Section = { title: '(top)', steps: [] }
  const lines = readme.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    if (/^##? /.test(line)) {
      sections.push(current)
      current = { title: line.replace(/^#+ /, ''), steps: [] }
    } else if (line.trim() === '<!-- readme-walk -->') {
      assert.equal(lines[i + 1], '```sh', `README line ${i + 2}: a walked block must be a sh block`)
      for (i += 2; lines[i] !== '```'; i++) current.steps.push(parseStep(lines[i]!))
    }
  }
  sections.push(current)
  return sections.filter((s) => s.steps.length > 0)
}

function parseStep (line: string): Step {
  const hash = line.search(/\s#\s/)
  const command = (hash === -1 ? line : line.slice(0, hash)).trim()
  const comment = hash === -1 ? '' : line.slice(hash).replace(/^\s#\s/, '')
  const m = /(?:^|; |\b)(prints|shows): (.*)$/.exec(comment)
  const expect = m === null ? '' : m[2]!.split(/ {2,}/)[0]!.trim()
  const kind = m === null ? 'none' : m[1] as 'prints' | 'shows'
  if (kind === 'shows') assert.match(comment, /runs until Ctrl-C/, `"${line}": shows: is for commands that run until Ctrl-C`)
  return { command, kind, expect }
}

function portFree (port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer()
    probe.once('error', () => resolve(false))
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)))
  })
}

/** The files a clone would hold, copied from the working tree (so uncommitted edits are walked too). */
function freshCopy (): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-readme-'))
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT })
    .toString('utf8').split('\0').filter((f) => f !== '')
  for (const f of files) {
    try {
      mkdirSync(dirname(join(dir, f)), { recursive: true })
      cpSync(join(ROOT, f), join(dir, f))
    } catch (err) {
      // A file deleted but not yet staged is listed by git and absent: a clone would not have it.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
  }
  return dir
}

interface Background { child: ChildProcess, output: () => string, exit: Promise<string> }

function runBackground (command: string, cwd: string, env: NodeJS.ProcessEnv): Background {
  // Its own process group, so the Ctrl-C reaches npm and the node process it started, as in a terminal.
  const child = spawn('bash', ['-c', command], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout!.on('data', (c: Buffer) => { out += c.toString('utf8') })
  child.stderr!.on('data', (c: Buffer) => { out += c.toString('utf8') })
  // A shell (or npm) that sees its child stop on Ctrl-C may end by the same signal itself: in a
  // terminal that is a clean stop too.
  const exit = new Promise<string>((resolve) => child.on('exit', (code, signal) => resolve(signal === 'SIGINT' ? 'stopped' : `exit ${code ?? signal}`)))
  return { child, output: () => out, exit }
}

async function waitFor (bg: Background, text: string, command: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms
  while (!bg.output().includes(text)) {
    if (bg.child.exitCode !== null) assert.fail(`"${command}" exited ${bg.child.exitCode} before showing "${text}":\n${bg.output()}`)
    if (Date.now() > deadline) assert.fail(`"${command}" did not show "${text}" within ${ms} ms:\n${bg.output()}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

function runForeground (
  command: string, cwd: string, env: NodeJS.ProcessEnv, ms: number
): Promise<{ code: number, out: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (c: Buffer) => { out += c.toString('utf8') })
    child.stderr.on('data', (c: Buffer) => { out += c.toString('utf8') })
    const timer = setTimeout(() => child.kill('SIGKILL'), ms)
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve({ code: code ?? -1, out })
    })
  })
}

test('the README parses into walked sections with checkable promises', () => {
  const sections = walkedSections(readFileSync(join(ROOT, 'README.md'), 'utf8'))
  assert.deepEqual(sections.map((s) => s.title), ['Quick start', 'Gateway'])
  for (const step of sections.flatMap((s) => s.steps)) {
    assert.ok(step.kind === 'none' || step.expect !== '', `"${step.command}" promises nothing checkable`)
  }
})

test('the README quick path works, in order, on a fresh copy', { timeout: 240_000 }, async (t) => {
  const busy = []
  for (const port of PORTS) if (!await portFree(port)) busy.push(port)
  if (busy.length > 0) {
    // The walk binds the ports the README names; something else on this machine holds them.
    t.skip(`ports ${busy.join(', ')} are in use on 127.0.0.1`)
    return
  }
  const dir = freshCopy()
  const running: Background[] = []
  const stopAll = async (): Promise<void> => {
    for (const bg of running.splice(0)) {
      if (bg.child.exitCode === null) process.kill(-bg.child.pid!, 'SIGINT')
      const code = await Promise.race([bg.exit, new Promise((resolve) => setTimeout(() => resolve('timeout'), 15_000))])
      if (code === 'timeout') process.kill(-bg.child.pid!, 'SIGKILL')
      assert.ok(code === 'exit 0' || code === 'stopped', `a Ctrl-C should stop it cleanly (${String(code)}):\n${bg.output()}`)
    }
  }
  after(async () => {
    for (const bg of running) if (bg.child.exitCode === null) process.kill(-bg.child.pid!, 'SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  })
  // The npm cache already holds every dependency (this suite's own `npm ci` filled it).
  const env = { ...process.env, npm_config_offline: 'true', npm_config_update_notifier: 'false', npm_config_fund: 'false' }
  for (const section of walkedSections(readFileSync(join(dir, 'README.md'), 'utf8'))) {
    for (const step of section.steps) {
      if (step.kind === 'shows') {
        const bg = runBackground(step.command, dir, env)
        running.push(bg)
        await waitFor(bg, step.expect, step.command, 90_000)
        continue
      }
      const r = await runForeground(step.command, dir, env, 120_000)
      assert.equal(r.code, 0, `"${step.command}" exited ${r.code}:\n${r.out}`)
      if (step.kind === 'prints') assert.ok(r.out.includes(step.expect), `"${step.command}" should print "${step.expect}", got:\n${r.out}`)
      if (step.command.startsWith('npm ci')) assert.doesNotMatch(r.out, /warn/i, `npm ci printed a warning:\n${r.out}`)
    }
    await stopAll()
  }
})
