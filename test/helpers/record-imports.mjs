// `node --import ./record-imports.mjs`: appends the URL of every module the ESM loader resolves to
// the file named by RECORD_IMPORTS, one per line. A package's entry is resolved by the ESM loader
// whether it is ESM or CommonJS, so the file says which packages an import pulled in. Loaded once
// on the main thread (it registers itself) and once on the hooks thread (it is the hooks).
import { appendFileSync } from 'node:fs'
import { isMainThread } from 'node:worker_threads'
import { register } from 'node:module'

let file

if (isMainThread) register(import.meta.url, { data: { file: process.env.RECORD_IMPORTS } })

export function initialize (data) {
  file = data.file
}

export async function resolve (specifier, context, next) {
  const resolved = await next(specifier, context)
  appendFileSync(file, `${resolved.url}\n`)
  return resolved
}
