// FNV-1a over UTF-16 code units, then murmur3's fmix32 finalizer. FNV-1a alone is fast but
// avalanches poorly on short, similar inputs ("host#1", "host#2"), which clumps ring points;
// the finalizer spreads every input bit over the whole 32-bit output.

/** A 32-bit unsigned hash of `str.slice(start, end)`, computed without slicing. */
export function hash32 (str: string, start = 0, end = str.length): number {
  let h = 0x811c9dc5
  for (let i = start; i < end; i++) {
    h ^= str.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}
