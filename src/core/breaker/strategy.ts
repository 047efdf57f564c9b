/**
 * How a closed breaker decides to open. Strategies only see outcomes recorded while closed; the
 * breaker resets them whenever it closes, so a trip never carries over into the next closed period.
 */
export interface BreakerStrategy {
  /** `now`, here and in failure: a Clock reading the caller already took, if any. */
  success (now?: number): void
  /** Records a failure; true when the breaker should open now. */
  failure (now?: number): boolean
  reset (): void
}
