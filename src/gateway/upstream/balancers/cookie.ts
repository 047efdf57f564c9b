// Finds one cookie's value inside a Cookie header by index, so the per-request path never splits
// the header or allocates substrings (RFC 6265 §5.4: pairs separated by "; ").

/** Index where `name`'s value starts in `header`, or -1 when the cookie is absent. */
export function cookieValueStart (header: string, name: string): number {
  let from = 0
  while (from < header.length) {
    const at = header.indexOf(name, from)
    if (at === -1) return -1
    const after = at + name.length
    if (header.charCodeAt(after) === 0x3d /* = */ && startsPair(header, at)) return after + 1
    from = at + 1
  }
  return -1
}

/** Index just past the value that starts at `start`. */
export function cookieValueEnd (header: string, start: number): number {
  const semi = header.indexOf(';', start)
  let end = semi === -1 ? header.length : semi
  while (end > start && header.charCodeAt(end - 1) === 0x20) end--
  return end
}

function startsPair (header: string, at: number): boolean {
  let i = at - 1
  while (i >= 0 && (header.charCodeAt(i) === 0x20 || header.charCodeAt(i) === 0x09)) i--
  return i < 0 || header.charCodeAt(i) === 0x3b /* ; */
}
