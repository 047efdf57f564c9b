/**
 * How a closed breaker decides to open. Strategies only see outcomes recorded while closed; the
 * breaker resets them whenever it closes, so a trip never carries over into the next closed period.
 */
export interface BreakerStrategy {
  success (): void
  /** Records a failure; true when the breaker should open now. */
  failure (): boolean
  reset (): void
}
