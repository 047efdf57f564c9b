import { test } from 'node:test'
import assert from 'node:assert/strict'
import { chain, rootContext, wrap } from './policy.js'
import type { CallMeta, Policy, PolicyContext } from './policy.js'
import { ManualClock } from './manual-clock.js'
import { createRetryPolicy } from './retry.js'
import { createCircuitBreaker } from './breaker/breaker.js'
import { createBulkhead } from './bulkhead.js'
import { createTimeoutPolicy } from './timeout.js'
import { CircuitOpenError, UpstreamTimeoutError } from '../errors.js'

/** The caller's own payload: core policies carry it through without knowing its fields. */
interface Trail extends CallMeta { trail: string, n?: number }

function recorder (name: string, log: string[]): Policy<Trail> {
  return {
    async execute (fn, pc) {
      log.push(`${name}>${pc.meta.trail}`)
      try {
        return await fn({ ...pc, meta: { ...pc.meta, trail: `${pc.meta.trail}${name}` } })
      } finally {
        log.push(`<${name}`)
      }
    },
  }
}

test('wrap(a, b, c) runs a outermost and c innermost, each passing its context inward', async () => {
  const log: string[] = []
  const p = wrap(recorder('a', log), recorder('b', log), recorder('c', log))
  const fn = async (pc: PolicyContext<Trail>) => { log.push(`fn:${pc.meta.trail}`); return 7 }
  const out = await p.execute(fn, rootContext<Trail>(undefined, { trail: '' }))
  assert.equal(out, 7)
  assert.deepEqual(log, ['a>', 'b>a', 'c>ab', 'fn:abc', '<c', '<b', '<a'])
  assert.equal(await wrap().execute(async pc => pc.attempt, rootContext()), 1, 'empty wrap is a passthrough')
})

test('chain binds the same order once; every call through it runs the whole stack', async () => {
  const log: string[] = []
  const fn = async (pc: PolicyContext<Trail>) => { log.push(`fn:${pc.meta.trail}`); return pc.meta.n }
  const bound = chain([recorder('a', log), recorder('b', log)], fn)
  assert.equal(await bound(rootContext<Trail>(undefined, { trail: '', n: 1 })), 1)
  assert.equal(await bound(rootContext<Trail>(undefined, { trail: '', n: 2 })), 2)
  assert.deepEqual(log, ['a>', 'b>a', 'fn:ab', '<b', '<a', 'a>', 'b>a', 'fn:ab', '<b', '<a'])
  assert.equal(await chain([], fn)(rootContext<Trail>(undefined, { trail: '', n: 3 })), 3, 'no policies: fn itself')
})

function gatewayStack () {
  const clock = new ManualClock()
  const retryOpts = { attempts: 3, baseDelayMs: 10, maxDelayMs: 10, budget: false as const }
  const retry = createRetryPolicy(retryOpts, { clock, random: () => 1 })
  const breaker = createCircuitBreaker({ name: 'up', consecutiveFailures: 2, openForMs: 10_000 }, { clock })
  const bulkhead = createBulkhead({ name: 'up', maxConcurrent: 1 })
  const timeout = createTimeoutPolicy(100, { clock, onTimeout: () => new UpstreamTimeoutError('up', 100) })
  return { clock, breaker, bulkhead, policy: wrap(retry, breaker, bulkhead, timeout) }
}

async function drive<T> (p: Promise<T>, clock: ManualClock): Promise<T> {
  const state = { done: false }
  p.then(() => { state.done = true }, () => { state.done = true })
  for (let i = 0; i < 1000 && !state.done; i++) await clock.tick(10)
  return p
}

test('gateway order: every retry passes the breaker again, so an opened breaker ends the retries', async () => {
  const { clock, breaker, policy } = gatewayStack()
  const seen: number[] = []
  const fn = async (pc: PolicyContext) => {
    seen.push(pc.attempt)
    throw Object.assign(new Error('reset'), { code: 'ECONNRESET' })
  }
  await assert.rejects(drive(policy.execute(fn, rootContext()), clock), CircuitOpenError)
  assert.deepEqual(seen, [1, 2], 'the third attempt was stopped by the breaker, not retried')
  assert.equal(breaker.state, 'open')
})

test('gateway order: the timeout bounds each attempt inside the bulkhead, which frees its slot', async () => {
  const { clock, bulkhead, policy } = gatewayStack()
  const signals: AbortSignal[] = []
  const fn = (pc: PolicyContext) => {
    signals.push(pc.signal)
    return pc.attempt === 1 ? new Promise<string>(() => {}) : Promise.resolve(`ok on ${pc.attempt}`)
  }
  const outer = rootContext()
  const p = policy.execute(fn, outer)
  await clock.tick(50)
  assert.equal(bulkhead.inFlight, 1)
  assert.equal(await drive(p, clock), 'ok on 2')
  assert.equal(bulkhead.inFlight, 0)
  assert.equal(signals[0]!.aborted, true, 'attempt 1 saw its own signal abort at the timeout')
  assert.equal(signals[1]!.aborted, false)
  assert.notEqual(signals[0], outer.signal)
})
