// Caller signals linked to the calls that carry them. Callers often share one signal across many
// calls (a batch, a shutdown button): one abort listener per signal, however many calls carry it,
// keeps Node's max-listener warning quiet and each call's link and unlink O(1) (EventTarget's
// removeEventListener is linear in the listener count). The link goes with the signal's last call.
//
// Whatever the signal's reason (its default DOMException, an Error, a string), the call ends with
// SLC_ABORTED and the reason as its cause: callers match on one code, as undici's do.

import { AbortedError } from '../errors.js'
import { SlotList } from './slot-list.js'

function callerAbort (reason: unknown): AbortedError {
  if (reason instanceof AbortedError) return reason
  const why = reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : undefined
  return new AbortedError(why === undefined ? 'The call was aborted by its signal' : `The call was aborted by its signal: ${why}`, { cause: reason })
}

export interface Cuttable {
  abort (reason: unknown): void
  /** Its index in its signal's list of calls (-1: none). */
  linkIndex: number
}

const slot = { get: (c: Cuttable) => c.linkIndex, set: (c: Cuttable, i: number) => { c.linkIndex = i } }

class Link {
  readonly calls = new SlotList<Cuttable>(slot)

  constructor (readonly signal: AbortSignal, readonly owner: WeakMap<AbortSignal, Link>) {
    signal.addEventListener('abort', this, { once: true })
  }

  handleEvent (): void {
    this.owner.delete(this.signal)
    const reason = callerAbort(this.signal.reason)
    const calls = this.calls.toArray()
    for (const c of calls) this.calls.delete(c)
    for (const c of calls) c.abort(reason)
  }
}

export class SignalLinks {
  readonly #links = new WeakMap<AbortSignal, Link>()

  /** `call` is aborted with the signal's reason when `signal` aborts (at once if it has). */
  link (signal: AbortSignal, call: Cuttable): void {
    if (signal.aborted) {
      call.abort(callerAbort(signal.reason))
      return
    }
    let l = this.#links.get(signal)
    if (l === undefined) this.#links.set(signal, l = new Link(signal, this.#links))
    l.calls.add(call)
  }

  unlink (signal: AbortSignal, call: Cuttable): void {
    const l = this.#links.get(signal)
    if (l === undefined || !l.calls.delete(call) || l.calls.size > 0) return
    this.#links.delete(signal)
    signal.removeEventListener('abort', l)
  }
}
