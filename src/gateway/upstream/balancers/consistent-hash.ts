import { isEligible } from './balancer.js'
import { compileKeyHasher } from './hash-key.js'
import { createRoundRobin } from './round-robin.js'
import { hash32 } from './hash.js'
import type { Balancer, BalancerTarget, PickContext } from './balancer.js'

/**
 * Ring points per unit of weight. With k points a target's share of the ring deviates by about
 * 1/sqrt(k) of itself; 160 (ketama's figure) keeps that near 8%. The ring costs 8 bytes per point, so
 * weights should stay small integers (1000 weight units make a 1.3 MB ring).
 */
export const POINTS_PER_WEIGHT = 160

/**
 * Consistent hashing on a ring of virtual nodes (Karger et al.; ketama). A point's position depends
 * only on its target's id and index, never on the other targets, so adding or removing one of N
 * targets moves only about 1/N of the keys, and only to or from that target. An unavailable or
 * excluded target is skipped by walking clockwise to the next point, which has the same property.
 * Requests without the key are spread round-robin.
 */
export function createConsistentHash<T extends BalancerTarget> (
  targets: readonly T[],
  options: { hashOn?: string } = {}
): Balancer<T> {
  const hashKey = compileKeyHasher(options.hashOn ?? 'ip')
  const fallback = createRoundRobin(targets)
  const { points, owners } = buildRing(targets)

  function anyEligible (exclude: ReadonlySet<T> | undefined): boolean {
    for (const t of targets) if (isEligible(t, exclude)) return true
    return false
  }

  return {
    pick (ctx: PickContext, exclude?: ReadonlySet<T>): T | undefined {
      const h = hashKey(ctx)
      if (h === -1) return fallback.pick(ctx, exclude)
      if (!anyEligible(exclude)) return undefined
      const n = points.length
      for (let i = firstAtOrAfter(points, h), walked = 0; walked < n; walked++, i = (i + 1) % n) {
        const t = targets[owners[i] as number] as T
        if (isEligible(t, exclude)) return t
      }
      return undefined
    },
  }
}

// Each point is packed as hash * 2^21 + rank in one float (exact below 2^53), so a numeric typed-array
// sort orders the ring without allocating an object per point. The rank is the target's position
// in id order, which breaks hash collisions the same way however the targets are listed.
const RANK_BITS = 2 ** 21

function buildRing (targets: readonly BalancerTarget[]): { points: Uint32Array, owners: Uint32Array } {
  const byId = targets.map((_, i) => i).sort((a, b) => compare(targets[a]!.id, targets[b]!.id))
  const size = targets.reduce((sum, t) => sum + t.weight * POINTS_PER_WEIGHT, 0)
  const packed = new Float64Array(size)
  let k = 0
  byId.forEach((owner, rank) => {
    const t = targets[owner]!
    for (let i = 0; i < t.weight * POINTS_PER_WEIGHT; i++) packed[k++] = hash32(`${t.id}#${i}`) * RANK_BITS + rank
  })
  packed.sort()
  const points = new Uint32Array(size)
  const owners = new Uint32Array(size)
  for (let i = 0; i < size; i++) {
    const p = packed[i]!
    const rank = p % RANK_BITS
    points[i] = (p - rank) / RANK_BITS
    owners[i] = byId[rank]!
  }
  return { points, owners }
}

function compare (a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** Index of the first point >= h, wrapping to 0 past the end of the ring. */
function firstAtOrAfter (points: Uint32Array, h: number): number {
  let lo = 0
  let hi = points.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((points[mid] as number) < h) lo = mid + 1
    else hi = mid
  }
  return lo === points.length ? 0 : lo
}
