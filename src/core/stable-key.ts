// A canonical text for a JSON-like value: object keys sorted, so two config slices that say the
// same thing in a different key order get the same key. Snapshot builds use it to find the parts
// (stage instances, targets, upstreams) a reload can keep.

export function stableKey (v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableKey).join(',')}]`
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v).sort()
    return `{${keys.map(k => `${JSON.stringify(k)}:${stableKey((v as Record<string, unknown>)[k])}`).join(',')}}`
  }
  return JSON.stringify(v) ?? 'null'
}
