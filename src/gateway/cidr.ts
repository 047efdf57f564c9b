// Matches peer addresses against configured CIDRs (trusted proxies). IPv4 addresses are compared
// as IPv4-mapped IPv6 (::ffff:a.b.c.d), so `10.0.0.0/8` also matches a dual-stack socket's
// `::ffff:10.1.2.3` and a v6 rule `::ffff:0:0/96` matches every v4 peer.

import { isIPv4, isIPv6 } from 'node:net'
import { parseCidr } from '../config/cidr.js'

/** 16 bytes, network order; undefined for anything that is not an IP address. */
export function parseIp (text: string): Uint8Array | undefined {
  const zone = text.indexOf('%')
  const s = zone === -1 ? text : text.slice(0, zone)
  const out = new Uint8Array(16)
  if (isIPv4(s)) {
    out[10] = 0xff
    out[11] = 0xff
    writeV4(s, out, 12)
    return out
  }
  if (!isIPv6(s)) return undefined
  let head = s
  let tailV4: string | undefined
  const lastColon = s.lastIndexOf(':')
  if (s.indexOf('.', lastColon) !== -1) {
    tailV4 = s.slice(lastColon + 1)
    head = s.slice(0, lastColon + 1) + '0:0'
  }
  const [left, right] = head.split('::') as [string, string | undefined]
  const l = left === '' ? [] : left.split(':')
  const r = right === undefined || right === '' ? [] : right.split(':')
  const groups = right === undefined ? l : [...l, ...new Array<string>(8 - l.length - r.length).fill('0'), ...r]
  for (let i = 0; i < 8; i++) {
    const g = parseInt(groups[i] ?? '0', 16)
    out[i * 2] = g >> 8
    out[i * 2 + 1] = g & 0xff
  }
  if (tailV4 !== undefined) writeV4(tailV4, out, 12)
  return out
}

function writeV4 (s: string, out: Uint8Array, at: number): void {
  const parts = s.split('.')
  for (let i = 0; i < 4; i++) out[at + i] = Number(parts[i])
}

interface Rule { net: Uint8Array, bits: number }

export type CidrMatcher = (address: string | undefined) => boolean

/** Throws TypeError on a malformed CIDR (the config loader has validated them already). */
export function compileCidrs (cidrs: readonly string[]): CidrMatcher {
  const rules: Rule[] = cidrs.map(toRule)
  if (rules.length === 0) return () => false
  const seen = new Map<string, boolean>()
  return (address) => {
    if (address === undefined) return false
    // Peers are few (proxies, load balancers), so memoising keeps the per-request cost a map lookup.
    const hit = seen.get(address)
    if (hit !== undefined) return hit
    const ip = parseIp(address)
    const ok = ip !== undefined && rules.some(r => inNet(ip, r))
    if (seen.size >= 1024) seen.clear()
    seen.set(address, ok)
    return ok
  }
}

function toRule (cidr: string): Rule {
  const parsed = parseCidr(cidr.trim())
  const net = parsed && parseIp(parsed.address)
  if (parsed === undefined || net === undefined) throw new TypeError(`invalid CIDR ${JSON.stringify(cidr)}`)
  return { net, bits: parsed.family === 'ipv4' ? parsed.prefix + 96 : parsed.prefix }
}

function inNet (ip: Uint8Array, { net, bits }: Rule): boolean {
  let i = 0
  for (; bits - i * 8 >= 8; i++) if (ip[i] !== net[i]) return false
  const rest = bits - i * 8
  if (rest === 0) return true
  const mask = (0xff << (8 - rest)) & 0xff
  return ((ip[i]! ^ net[i]!) & mask) === 0
}
