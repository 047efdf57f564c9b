// Turns `transform` options into the compiled edits the stage runs: templates parsed and compiled,
// names lowercased, lists turned into the shapes the per-request code reads. Runs once per
// distinct options per snapshot. The loader has already reported every bad template with its
// location (config/check-stages.ts); a library caller that skips it gets the same reason thrown.

import type { StageOptions } from '../../config/schema/index.js'
import { EVERY, parsePointer, parseTemplate, renameProblem } from '../../config/transform-rules.js'
import type { PointerToken } from '../../config/transform-rules.js'
import type { HeaderOps } from './header-ops.js'
import type { JsonOps } from './json-ops.js'
import type { QueryOps } from './query-ops.js'
import { compileTemplate } from './template.js'
import type { Template, TemplateEnv } from './template.js'

type Options = StageOptions['transform']
type HeaderOptions = NonNullable<NonNullable<Options['request']>['headers']>
type QueryOptions = NonNullable<NonNullable<Options['request']>['query']>

export function template (source: string, env?: TemplateEnv): Template {
  const parts = parseTemplate(source)
  if (typeof parts === 'string') throw new TypeError(`transform template ${JSON.stringify(source)}: ${parts}`)
  return compileTemplate(parts, env)
}

export function compileHeaderOps (o: HeaderOptions | undefined, env?: TemplateEnv): HeaderOps | undefined {
  if (o === undefined) return undefined
  const lower = (n: string): string => n.toLowerCase()
  const templated = (rec: Record<string, string> | undefined): Array<readonly [string, Template]> =>
    Object.entries(rec ?? {}).map(([n, v]) => [lower(n), template(v, env)] as const)
  const set = templated(o.set)
  const remove = (o.remove ?? []).map(lower)
  return {
    remove: new Set(remove),
    drop: new Set([...remove, ...set.map(([n]) => n)]),
    rename: Object.entries(o.rename ?? {}).map(([from, to]) => [lower(from), lower(to)] as const),
    set,
    add: templated(o.add),
  }
}

export function compileQueryOps (o: QueryOptions | undefined, env?: TemplateEnv): QueryOps | undefined {
  if (o === undefined) return undefined
  const set = Object.entries(o.set ?? {}).map(([n, v]) => [n, template(v, env)] as const)
  return { drop: new Set([...(o.remove ?? []), ...set.map(([n]) => n)]), set }
}

type JsonOptions = NonNullable<NonNullable<Options['request']>['json']>

function pointer (source: string): PointerToken[] {
  const tokens = parsePointer(source)
  if (typeof tokens === 'string') throw new TypeError(`transform pointer: ${tokens}`)
  return tokens
}

export function compileJsonOps (o: JsonOptions | undefined, env?: TemplateEnv): JsonOps | undefined {
  if (o === undefined) return undefined
  return {
    remove: (o.remove ?? []).map(pointer),
    rename: Object.entries(o.rename ?? {}).map(([from, to]) => {
      const a = pointer(from)
      const b = pointer(to)
      const problem = renameProblem(a, b)
      if (problem !== undefined) throw new TypeError(`transform rename ${from}: ${problem}`)
      const at = Math.max(a.lastIndexOf(EVERY), b.lastIndexOf(EVERY)) + 1
      return { at: a.slice(0, at), from: a.slice(at), to: b.slice(at) }
    }),
    set: Object.entries(o.set ?? {}).map(([path, value]) => ({
      path: pointer(path),
      value: typeof value === 'string' ? { template: template(value, env) } : { constant: value },
    })),
  }
}
