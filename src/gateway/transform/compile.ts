// Turns `transform` options into the compiled edits the stage runs: templates parsed and compiled,
// names lowercased, lists turned into the shapes the per-request code reads. Runs once per
// distinct options per snapshot. The loader has already reported every bad template with its
// location (config/check-stages.ts); a library caller that skips it gets the same reason thrown.

import type { StageOptions } from '../../config/schema/index.js'
import { parseTemplate } from '../../config/transform-rules.js'
import type { HeaderOps } from './header-ops.js'
import type { QueryOps } from './query-ops.js'
import { compileTemplate } from './template.js'
import type { Template } from './template.js'

type Options = StageOptions['transform']
type HeaderOptions = NonNullable<NonNullable<Options['request']>['headers']>
type QueryOptions = NonNullable<NonNullable<Options['request']>['query']>

export function template (source: string): Template {
  const parts = parseTemplate(source)
  if (typeof parts === 'string') throw new TypeError(`transform template ${JSON.stringify(source)}: ${parts}`)
  return compileTemplate(parts)
}

export function compileHeaderOps (o: HeaderOptions | undefined): HeaderOps | undefined {
  if (o === undefined) return undefined
  const lower = (n: string): string => n.toLowerCase()
  const templated = (rec: Record<string, string> | undefined): Array<readonly [string, Template]> =>
    Object.entries(rec ?? {}).map(([n, v]) => [lower(n), template(v)] as const)
  return {
    remove: (o.remove ?? []).map(lower),
    rename: Object.entries(o.rename ?? {}).map(([from, to]) => [lower(from), lower(to)] as const),
    set: templated(o.set),
    add: templated(o.add),
  }
}

export function compileQueryOps (o: QueryOptions | undefined): QueryOps | undefined {
  if (o === undefined) return undefined
  const set = Object.entries(o.set ?? {}).map(([n, v]) => [n, template(v)] as const)
  return { drop: new Set([...(o.remove ?? []), ...set.map(([n]) => n)]), set }
}
