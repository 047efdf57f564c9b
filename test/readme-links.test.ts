// The README is also the package page on npm, which does not resolve links relative to the
// repository: every link to a file of ours is absolute, to the repository's main branch
// (package.json's `repository`; the project's URL is github.com/sluice-gateway/sluice), and names a
// file that exists, with its heading when it has an anchor. Images use raw.githubusercontent.com.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { repository: { url: string }, homepage: string }
const REPO = pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '')
const FILE = `${REPO}/blob/main/`
const DIR = `${REPO}/tree/main/`
const RAW = `${REPO.replace('https://github.com/', 'https://raw.githubusercontent.com/')}/main/`

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string): string =>
  heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-')

function problem (target: string, image: boolean): string | undefined {
  if (target.startsWith('#')) return undefined
  const base = image ? RAW : [FILE, DIR].find(b => target.startsWith(b))
  if (base === undefined || !target.startsWith(base)) {
    if (/^https?:\/\//.test(target) && !target.startsWith(REPO) && !target.startsWith(RAW)) return undefined
    return `use an absolute link, ${image ? RAW : FILE}<path> (npm's package page does not resolve relative ones)`
  }
  const [path, anchor] = target.slice(base.length).split('#') as [string, string | undefined]
  const file = new URL(`../${path}`, import.meta.url)
  if (!existsSync(file)) return `${path} does not exist in the repository`
  if (anchor === undefined) return undefined
  const headings = [...readFileSync(file, 'utf8').matchAll(/^#+ (.*)$/gm)].map(m => slug(m[1]!))
  return headings.includes(anchor) ? undefined : `${path} has no heading #${anchor}`
}

test('README links are absolute, to the repository package.json names, and lead to files that exist', () => {
  assert.equal(REPO, 'https://github.com/sluice-gateway/sluice')
  assert.ok(pkg.homepage.startsWith(REPO), `homepage ${pkg.homepage} is the repository's`)
  const links = [...readme.matchAll(/(!?)\[[^\]]*\]\(([^)\s]+)\)/g)]
  assert.ok(links.length > 10, `found ${links.length} links`)
  const problems = links.flatMap(([, bang, target]) => {
    const p = problem(target!, bang === '!')
    return p === undefined ? [] : [`${target}: ${p}`]
  })
  assert.deepEqual(problems, [])
})
