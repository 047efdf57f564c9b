// Checks of `transform` options the schema cannot express: every template parses and names known
// variables, constant header values are valid field values, no edit touches a header the gateway
// owns, every JSON path is a pointer, and a rename with `*` keeps its elements.

import type { StageOptions } from './schema/index.js'
import type { Report } from './load-yaml.js'
import type { ConfigPath } from './locate.js'
import { EVERY, isFieldValue, parsePointer, parseTemplate, renameProblem, TRANSFORM_OWNED_HEADERS } from './transform-rules.js'
import type { PointerToken } from './transform-rules.js'

type Options = StageOptions['transform']
type HeaderOptions = NonNullable<NonNullable<Options['request']>['headers']>
type JsonOptions = NonNullable<NonNullable<Options['request']>['json']>

function checkTemplate (source: string, at: ConfigPath, report: Report, header: boolean): void {
  const parts = parseTemplate(source)
  if (typeof parts === 'string') return report(at, parts)
  if (header && parts.some(p => typeof p === 'string' && !isFieldValue(p))) {
    report(at, 'a header value cannot hold control characters or characters above U+00FF')
  }
}

function checkOwned (name: string, at: ConfigPath, report: Report, anchor?: 'key'): void {
  if (TRANSFORM_OWNED_HEADERS.has(name.toLowerCase())) {
    report(at, `"${name}" is managed by the gateway itself and cannot be transformed`, anchor)
  }
}

function checkHeaderOps (o: HeaderOptions, at: ConfigPath, report: Report): void {
  for (const verb of ['set', 'add'] as const) {
    for (const [name, value] of Object.entries(o[verb] ?? {})) {
      checkOwned(name, [...at, verb, name], report, 'key')
      checkTemplate(value, [...at, verb, name], report, true)
    }
  }
  o.remove?.forEach((name, i) => { checkOwned(name, [...at, 'remove', i], report) })
  for (const [from, to] of Object.entries(o.rename ?? {})) {
    checkOwned(from, [...at, 'rename', from], report, 'key')
    checkOwned(to, [...at, 'rename', from], report)
  }
}

/** Parses a pointer, reporting why it is not one; undefined then. */
function pointer (source: string, at: ConfigPath, report: Report, anchor?: 'key'): PointerToken[] | undefined {
  const tokens = parsePointer(source)
  if (typeof tokens === 'string') {
    report(at, tokens, anchor)
    return undefined
  }
  return tokens
}

function checkJsonOps (o: JsonOptions, at: ConfigPath, report: Report): void {
  for (const [path, value] of Object.entries(o.set ?? {})) {
    const tokens = pointer(path, [...at, 'set', path], report, 'key')
    if (tokens?.includes(EVERY) === true && tokens.at(-1) === EVERY) {
      report([...at, 'set', path], 'set cannot end in "*"; name a member of each element', 'key')
    }
    if (typeof value === 'string') checkTemplate(value, [...at, 'set', path], report, false)
  }
  o.remove?.forEach((path, i) => { pointer(path, [...at, 'remove', i], report) })
  for (const [from, to] of Object.entries(o.rename ?? {})) {
    const a = pointer(from, [...at, 'rename', from], report, 'key')
    const b = pointer(to, [...at, 'rename', from], report)
    if (a === undefined || b === undefined) continue
    const problem = renameProblem(a, b)
    if (problem !== undefined) report([...at, 'rename', from], problem)
  }
}

export function checkTransform (options: Options, at: ConfigPath, report: Report): void {
  const { request, response } = options
  if (request?.headers !== undefined) checkHeaderOps(request.headers, [...at, 'request', 'headers'], report)
  for (const [name, value] of Object.entries(request?.query?.set ?? {})) {
    checkTemplate(value, [...at, 'request', 'query', 'set', name], report, false)
  }
  if (request?.json !== undefined) checkJsonOps(request.json, [...at, 'request', 'json'], report)
  if (response?.headers !== undefined) checkHeaderOps(response.headers, [...at, 'response', 'headers'], report)
  if (response?.json !== undefined) checkJsonOps(response.json, [...at, 'response', 'json'], report)
}
