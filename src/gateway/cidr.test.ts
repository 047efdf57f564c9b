import { test } from 'node:test'
import assert from 'node:assert/strict'
import { compileCidrs, parseIp } from './cidr.js'

test('parses v4, v6, compressed and v4-mapped addresses to the same 16-byte form', () => {
  assert.deepEqual(parseIp('10.1.2.3'), parseIp('::ffff:10.1.2.3'))
  assert.deepEqual(parseIp('::ffff:10.1.2.3'), parseIp('0:0:0:0:0:ffff:a01:203'))
  assert.deepEqual([...parseIp('2001:db8::1')!], [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])
  assert.deepEqual([...parseIp('::')!], new Array(16).fill(0))
  assert.equal(parseIp('fe80::1%eth0')![15], 1)
  assert.equal(parseIp('not-an-ip'), undefined)
  assert.equal(parseIp('1.2.3'), undefined)
})

const cases = [
  { desc: 'v4 inside /8', cidrs: ['10.0.0.0/8'], addr: '10.200.3.4', want: true },
  { desc: 'v4 outside /8', cidrs: ['10.0.0.0/8'], addr: '11.0.0.1', want: false },
  { desc: 'v4 rule matches v4-mapped peer', cidrs: ['10.0.0.0/8'], addr: '::ffff:10.9.9.9', want: true },
  { desc: 'odd prefix /20 inside', cidrs: ['192.168.16.0/20'], addr: '192.168.31.255', want: true },
  { desc: 'odd prefix /20 outside', cidrs: ['192.168.16.0/20'], addr: '192.168.32.0', want: false },
  { desc: 'bare v4 address is /32', cidrs: ['127.0.0.1'], addr: '127.0.0.1', want: true },
  { desc: 'bare v4 address excludes neighbours', cidrs: ['127.0.0.1'], addr: '127.0.0.2', want: false },
  { desc: 'v6 /32 inside', cidrs: ['2001:db8::/32'], addr: '2001:db8:ffff::1', want: true },
  { desc: 'v6 /32 outside', cidrs: ['2001:db8::/32'], addr: '2001:db9::1', want: false },
  { desc: 'v6 loopback', cidrs: ['::1/128'], addr: '::1', want: true },
  { desc: 'v6 rule does not match plain v4', cidrs: ['::1/128'], addr: '127.0.0.1', want: false },
  { desc: 'v4-mapped v6 rule matches v4 peers', cidrs: ['::ffff:0:0/96'], addr: '8.8.8.8', want: true },
  { desc: '/0 matches everything', cidrs: ['0.0.0.0/0'], addr: '203.0.113.7', want: true },
  { desc: 'no rules trust nobody', cidrs: [], addr: '127.0.0.1', want: false },
  { desc: 'garbage peer is not trusted', cidrs: ['0.0.0.0/0'], addr: 'garbage', want: false },
  { desc: 'several rules, second matches', cidrs: ['10.0.0.0/8', '172.16.0.0/12'], addr: '172.31.0.1', want: true },
]

for (const c of cases) {
  test(c.desc, () => {
    const m = compileCidrs(c.cidrs)
    assert.equal(m(c.addr), c.want)
    assert.equal(m(c.addr), c.want, 'memoised answer agrees')
  })
}

test('undefined peer is never trusted', () => {
  assert.equal(compileCidrs(['0.0.0.0/0'])(undefined), false)
})

test('malformed CIDRs throw', () => {
  for (const bad of ['10.0.0.0/33', '::/129', 'x/8', '10.0.0.0/-1', '10.0.0.0/abc']) {
    assert.throws(() => compileCidrs([bad]), TypeError, bad)
  }
})
