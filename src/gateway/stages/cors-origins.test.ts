import assert from 'node:assert/strict'
import { test } from 'node:test'
import { originPatternProblem } from '../../config/build-rules.js'
import { compileOrigins } from './cors-origins.js'

test('origin matching: exact, wildcard subdomain, any', () => {
  const cases: Array<{ desc: string, patterns: string[], origin: string, ok: boolean }> = [
    { desc: 'exact', patterns: ['https://app.example.com'], origin: 'https://app.example.com', ok: true },
    { desc: 'exact is case-insensitive', patterns: ['https://App.Example.com'], origin: 'https://app.example.COM', ok: true },
    { desc: 'another scheme', patterns: ['https://app.example.com'], origin: 'http://app.example.com', ok: false },
    { desc: 'another port', patterns: ['https://app.example.com'], origin: 'https://app.example.com:8443', ok: false },
    { desc: 'wildcard, one label', patterns: ['https://*.example.com'], origin: 'https://a.example.com', ok: true },
    { desc: 'wildcard, two labels', patterns: ['https://*.example.com'], origin: 'https://a.b.example.com', ok: true },
    { desc: 'wildcard does not match the apex', patterns: ['https://*.example.com'], origin: 'https://example.com', ok: false },
    { desc: 'wildcard, suffix inside another host', patterns: ['https://*.example.com'], origin: 'https://example.com.evil.com', ok: false },
    { desc: 'wildcard, look-alike host', patterns: ['https://*.example.com'], origin: 'https://evilexample.com', ok: false },
    { desc: 'wildcard, a path smuggled in', patterns: ['https://*.example.com'], origin: 'https://evil.com/.example.com', ok: false },
    { desc: 'wildcard, a port smuggled in', patterns: ['https://*.example.com'], origin: 'https://evil.com:1.example.com', ok: false },
    { desc: 'wildcard, another scheme', patterns: ['https://*.example.com'], origin: 'http://a.example.com', ok: false },
    { desc: 'any', patterns: ['*'], origin: 'https://whatever.test', ok: true },
    { desc: 'any never means null', patterns: ['*'], origin: 'null', ok: false },
    { desc: 'null by name', patterns: ['null'], origin: 'null', ok: true },
  ]
  for (const c of cases) assert.equal(compileOrigins(c.patterns)(c.origin), c.ok, c.desc)
})

test('allowOrigins entries are checked', () => {
  assert.equal(originPatternProblem('https://*.example.com'), undefined)
  assert.equal(originPatternProblem('http://localhost:3000'), undefined)
  assert.match(originPatternProblem('app.example.com')!, /expected an origin/)
  assert.match(originPatternProblem('https://app.example.com/')!, /expected an origin/)
  assert.match(originPatternProblem('https://a.*.example.com')!, /leading labels/)
})
