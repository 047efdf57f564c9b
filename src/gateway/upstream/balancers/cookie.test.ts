import { test } from 'node:test'
import assert from 'node:assert/strict'
import { cookieValueEnd, cookieValueStart } from './cookie.js'

function value (header: string, name: string): string | undefined {
  const start = cookieValueStart(header, name)
  return start === -1 ? undefined : header.slice(start, cookieValueEnd(header, start))
}

const cases: { desc: string, header: string, want: string | undefined }[] = [
  { desc: 'only cookie', header: 'sid=abc', want: 'abc' },
  { desc: 'among others', header: 'a=1; sid=abc; b=2', want: 'abc' },
  { desc: 'no space after ;', header: 'a=1;sid=abc;b=2', want: 'abc' },
  { desc: 'trailing spaces trimmed', header: 'a=1; sid=abc  ; b=2', want: 'abc' },
  { desc: 'suffix of another name', header: 'xsid=no; sid=yes', want: 'yes' },
  { desc: 'prefix of another name', header: 'sidx=no', want: undefined },
  { desc: 'name inside a value', header: 'a=sid=no', want: undefined },
  { desc: 'empty value', header: 'sid=; a=1', want: '' },
  { desc: 'absent', header: 'a=1; b=2', want: undefined },
  { desc: 'empty header', header: '', want: undefined },
]

for (const { desc, header, want } of cases) {
  test(`cookie lookup: ${desc}`, () => {
    assert.equal(value(header, 'sid'), want)
  })
}
