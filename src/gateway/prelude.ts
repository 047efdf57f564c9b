// The request prelude, checked once on arrival, before routing: the HTTP version, the number of
// header lines, Host (RFC 9112 §3.2) and the form of the request-target (RFC 9112 §3.2.1–3.2.4).
//
// Why this matters for a gateway: routing, the hash balancer, `preserveHost` and X-Forwarded-Host
// all read "the" authority of a request. Two Host lines, or an absolute-form target naming another
// host than Host, let a client show one authority to the router and another to the upstream's
// virtual hosting. So a request carries exactly one valid Host, and an absolute-form target must
// name the same authority; it is then forwarded in origin-form. Every rule and its answer is listed
// in docs/http-conformance.md.

import type { IncomingMessage } from 'node:http'
import {
  BadRequestError, HeadersTooLargeError, HttpVersionError, InvalidHostError,
} from '../errors.js'
import type { SluiceError } from '../errors.js'

/** `OPTIONS *`: a question about the server itself (RFC 9110 §9.3.7), which the gateway answers. */
export const SERVER_OPTIONS = 'server-options'

/** Why the request must be refused, SERVER_OPTIONS, or undefined when it may be routed. */
export type PreludeVerdict = SluiceError | typeof SERVER_OPTIONS | undefined

/**
 * RFC 3986 §3.2.2–3.2.3 `host [ ":" port ]`: an IP-literal or a reg-name (unreserved, sub-delims,
 * percent-encoded octets), no userinfo. The alternatives are disjoint, so matching is linear.
 */
const AUTHORITY = /^(?:\[[0-9A-Fa-f:.]+\]|(?:[\w\-.~!$&'()*+,;=]|%[0-9A-Fa-f]{2})+)(?::\d*)?$/
const ABSOLUTE = /^(https?):\/\/([^/?#]*)(.*)$/is

/**
 * Checks the prelude of `req`. An absolute-form target is rewritten in place (`req.url`) to the
 * origin-form that is routed and forwarded.
 */
export function checkPrelude (req: IncomingMessage, maxHeaderCount: number): PreludeVerdict {
  if (req.httpVersionMajor !== 1) {
    // llhttp reads `GET /` with no version as HTTP/0.9: not a valid HTTP/1 request line (RFC 9112 §3).
    return req.httpVersionMajor === 0 ? new BadRequestError('HTTP/0.9 request line (no HTTP/1.x version)') : new HttpVersionError()
  }
  const raw = req.rawHeaders
  if (raw.length > 2 * maxHeaderCount) return new HeadersTooLargeError(`More than ${maxHeaderCount} header lines`)
  let host: string | undefined
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!
    if (name.length !== 4 || name.toLowerCase() !== 'host') continue
    if (host !== undefined) return new InvalidHostError('More than one Host header')
    host = raw[i + 1]!
  }
  if (host === undefined) {
    if (req.httpVersionMinor === 1) return new InvalidHostError('Missing Host header')
  } else if (!AUTHORITY.test(host)) {
    return new InvalidHostError(host === '' ? 'Empty Host header' : 'Invalid Host header')
  }
  const url = req.url ?? ''
  if (url.charCodeAt(0) === 0x2f /* / */) return undefined
  if (url === '*') return req.method === 'OPTIONS' ? SERVER_OPTIONS : new BadRequestError('Asterisk-form is only for OPTIONS')
  return absoluteForm(req, url, host)
}

function absoluteForm (req: IncomingMessage, url: string, host: string | undefined): PreludeVerdict {
  const m = ABSOLUTE.exec(url)
  if (m === null) return new BadRequestError('Invalid request-target')
  const [, scheme, authority, rest] = m as unknown as [string, string, string, string]
  // Userinfo in an http(s) URI is deprecated (RFC 9110 §4.2.4) and has no meaning to a gateway.
  if (authority === '' || !AUTHORITY.test(authority)) return new BadRequestError('Invalid request-target authority')
  if (host === undefined || !sameAuthority(authority, host, scheme.toLowerCase() === 'https' ? 443 : 80)) {
    return new InvalidHostError('Host does not match the request-target authority')
  }
  // RFC 9112 §3.2.4: the last proxy turns `OPTIONS http://host` (empty path, no query) into `OPTIONS *`.
  if (rest === '' && req.method === 'OPTIONS') return SERVER_OPTIONS
  req.url = rest === '' || rest.charCodeAt(0) !== 0x2f ? `/${rest}` : rest
  return undefined
}

/** Same host (case and a trailing dot aside, as the router sees them) and the same port, defaults applied. */
function sameAuthority (a: string, b: string, defaultPort: number): boolean {
  const [ha, pa] = splitAuthority(a)
  const [hb, pb] = splitAuthority(b)
  return bareHost(ha) === bareHost(hb) && (pa === '' ? defaultPort : Number(pa)) === (pb === '' ? defaultPort : Number(pb))
}

function splitAuthority (a: string): [host: string, port: string] {
  const colon = a.lastIndexOf(':')
  return colon > a.lastIndexOf(']') ? [a.slice(0, colon), a.slice(colon + 1)] : [a, '']
}

function bareHost (h: string): string {
  const lower = h.toLowerCase()
  return lower.endsWith('.') ? lower.slice(0, -1) : lower
}
