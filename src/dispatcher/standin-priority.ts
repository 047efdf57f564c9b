// Temporary stand-in for src/core/priority.ts until it lands (same API).
import { InvalidOptionsError } from '../errors.js'

export type PriorityInput = 'highest' | 'high' | 'normal' | 'low' | 'lowest' | 1 | 2 | 3 | 4 | 5 | number | string
const NAMES: Record<string, number> = { highest: 1, high: 2, normal: 3, low: 4, lowest: 5 }

export function parsePriority (value: PriorityInput): number {
  const n = typeof value === 'number' ? value : NAMES[value] ?? Number(value)
  if (!Number.isInteger(n) || n < 1 || n > 5) throw new InvalidOptionsError(`priority: expected highest…lowest or 1…5, got ${JSON.stringify(value)}`)
  return n
}
