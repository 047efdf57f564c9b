import { InvalidOptionsError } from '../errors.js'

/** A priority level: 1 is the highest, 5 the lowest, 3 the default. */
export type PriorityLevel = 1 | 2 | 3 | 4 | 5
/** A priority by name: `highest` (1) … `lowest` (5). */
export type PriorityName = 'highest' | 'high' | 'normal' | 'low' | 'lowest'
/** A request's `priority`: a name or a level; `normal` (3) when left out. */
export type PriorityInput = PriorityName | PriorityLevel | undefined

const NAMES: Readonly<Record<PriorityName, PriorityLevel>> = { highest: 1, high: 2, normal: 3, low: 4, lowest: 5 }

export const DEFAULT_PRIORITY: PriorityLevel = 3

/** A name or 1 (highest) … 5 (lowest) → the level; undefined → 3. Anything else throws InvalidOptionsError. */
export function parsePriority (p: PriorityInput): PriorityLevel {
  if (p === undefined) return DEFAULT_PRIORITY
  if (typeof p === 'number' && Number.isInteger(p) && p >= 1 && p <= 5) return p
  if (typeof p === 'string' && Object.hasOwn(NAMES, p)) return NAMES[p]
  throw new InvalidOptionsError(`priority must be highest|high|normal|low|lowest or 1..5 (got ${JSON.stringify(p)})`)
}
