import { test } from 'node:test'
import assert from 'node:assert/strict'
import { compileCidrs } from './cidr.js'
import { resolveClientIp } from './client-ip.js'

const trusted = compileCidrs(['10.0.0.0/8', '2001:db8:ffff::/48'])

const cases: Array<[desc: string, peer: string, xff: string | undefined, want: string]> = [
  ['untrusted peer: its claim is ignored', '203.0.113.9', '6.6.6.6', '203.0.113.9'],
  ['trusted peer without a claim', '10.0.0.1', undefined, '10.0.0.1'],
  ['trusted peer: the address it saw', '10.0.0.1', '198.51.100.7', '198.51.100.7'],
  ['spoofed left part is skipped', '10.0.0.1', '6.6.6.6, 198.51.100.7', '198.51.100.7'],
  ['trusted hops are walked through', '10.0.0.1', '6.6.6.6, 198.51.100.7, 10.1.1.1, 10.2.2.2', '198.51.100.7'],
  ['every hop trusted: the leftmost', '10.0.0.1', '10.3.3.3, 10.2.2.2', '10.3.3.3'],
  ['a non-address stops at the last real hop', '10.0.0.1', '198.51.100.7, unknown', '10.0.0.1'],
  ['garbage beyond a trusted hop', '10.0.0.1', 'junk, 10.9.9.9', '10.9.9.9'],
  ['ip:port entries', '10.0.0.1', '198.51.100.7:4711', '198.51.100.7'],
  ['[v6]:port entries', '10.0.0.1', '[2001:db8::7]:4711', '2001:db8::7'],
  ['bare v6 and trusted v6 hops', '2001:db8:ffff::1', '2001:db8::7,2001:db8:ffff::2', '2001:db8::7'],
  ['empty elements are not addresses', '10.0.0.1', '198.51.100.7, ', '10.0.0.1'],
  ['v4-mapped peer matches a v4 rule', '::ffff:10.0.0.1', '198.51.100.7', '198.51.100.7'],
]

for (const [desc, peer, xff, want] of cases) {
  test(`resolveClientIp: ${desc}`, () => {
    assert.equal(resolveClientIp(peer, xff, trusted), want)
  })
}
