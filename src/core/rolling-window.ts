import type { Clock } from './clock.js'

/**
 * Counters summed over the last `windowMs`, kept in `buckets` slots of `windowMs / buckets` each, so
 * old events fall out in steps of one bucket without a timer and memory stays fixed:
 *
 *   slot:  [ 0 ][ 1 ][ 2 ] … [ 9 ]      a slot is reused once its epoch is `buckets` steps old
 *   epoch:  40   41   32  …  39         (epoch = floor(now / bucketMs))
 */
export class RollingWindow {
  readonly #clock: Clock
  readonly #bucketMs: number
  readonly #epochs: Float64Array
  readonly #counts: Float64Array[]

  constructor (windowMs: number, fields: number, clock: Clock, buckets = 10) {
    if (!(windowMs > 0) || !Number.isInteger(buckets) || buckets < 1) {
      throw new RangeError(`RollingWindow needs windowMs > 0 and buckets >= 1 (got ${windowMs}, ${buckets})`)
    }
    this.#clock = clock
    this.#bucketMs = windowMs / buckets
    this.#epochs = new Float64Array(buckets).fill(-Infinity)
    this.#counts = Array.from({ length: buckets }, () => new Float64Array(fields))
  }

  add (field: number, n = 1): void {
    const epoch = Math.floor(this.#clock.now() / this.#bucketMs)
    const slot = epoch % this.#epochs.length
    const counts = this.#counts[slot]!
    if (this.#epochs[slot] !== epoch) {
      this.#epochs[slot] = epoch
      counts.fill(0)
    }
    counts[field]! += n
  }

  sum (field: number): number {
    const oldest = Math.floor(this.#clock.now() / this.#bucketMs) - this.#epochs.length
    let total = 0
    for (let i = 0; i < this.#epochs.length; i++) {
      if (this.#epochs[i]! > oldest) total += this.#counts[i]![field]!
    }
    return total
  }

  reset (): void {
    this.#epochs.fill(-Infinity)
  }
}
