// The generic loader, for any TypeBox schema: the gateway config and the dispatcher's suppliers
// file both go through it.
//
//   text → parseDocument (LineCounter) → syntax errors? → ${VAR} interpolation → toJS
//        → defaults → schema errors? → check (cross-references) → deep freeze
//
// Each stage reports every problem it finds before the loader gives up, so one run lists them all.
import { readFile } from 'node:fs/promises'
import { LineCounter, parseDocument } from 'yaml'
import type { Static, TSchema } from '@sinclair/typebox'
import { ConfigEnvError, ConfigError } from '../errors.js'
import { applyDefaults } from './defaults.js'
import { interpolateEnv } from './env.js'
import { flowReferenceMessage, unquotedFlowReferences } from './flow-env-hint.js'
import type { Env } from './env.js'
import { deepFreeze } from './freeze.js'
import { IssueList } from './issues.js'
import type { Anchor, ConfigPath } from './locate.js'
import { schemaIssues } from './schema-issues.js'

/** Reports one problem about `path`; `anchor: 'key'` points at the key rather than its value. */
export type Report = (path: ConfigPath, message: string, anchor?: Anchor) => void

/**
 * Cross-checks the schema cannot express. Written for a value the schema accepted; it also runs on
 * one the schema refused, so a file's first run lists every problem (see runCheck).
 */
export type Check<T> = (value: T, report: Report, warn?: Report) => void

/** Receives each warning as one located line (`file:line:col path: message`); the file still loads. */
export type Warn = (line: string) => void

const overlaps = (a: ConfigPath, b: ConfigPath): boolean => a.every((seg, i) => i >= b.length || b[i] === seg)

/**
 * On a schema-valid value the check runs as written. On a refused one it runs on a best-effort
 * basis: a report about a node the schema already refused (or its parent or child) is dropped as
 * a likely echo, and a check that trips over a wrong type is abandoned, since the schema's issues
 * already explain why the file is rejected.
 */
function runCheck<T> (
  check: Check<T>, value: T, refused: readonly ConfigPath[], issues: IssueList, warnings: IssueList
): void {
  const report: Report = (path, message, anchor) => {
    if (!refused.some((r) => overlaps(r, path))) issues.add(path, message, path, anchor)
  }
  const warn: Report = (path, message, anchor) => warnings.add(path, message, path, anchor)
  if (refused.length === 0) return check(value, report, warn)
  try {
    check(value, report, () => {})
  } catch {
    // Only reachable on a value the schema refused; those issues are already listed.
  }
}

export function loadYamlText<S extends TSchema> (
  text: string, file: string, schema: S, check?: Check<Static<S>>, env: Env = process.env, warn?: Warn
): Static<S> {
  const counter = new LineCounter()
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false })
  const issues = new IssueList(file, doc, counter)
  if (doc.errors.length > 0) {
    // An unquoted ${VAR} in a flow collection explains every error after it: say that instead.
    const refs = unquotedFlowReferences(text)
    const cascadeFrom = refs[0]?.offset ?? Infinity
    for (const ref of refs) issues.addAt(ref.offset, 'YAML syntax error', flowReferenceMessage(ref))
    for (const err of doc.errors) {
      if (err.pos[0] < cascadeFrom) issues.addAt(err.pos[0], 'YAML syntax error', err.message)
    }
    throw new ConfigError(issues.list())
  }

  const unset = interpolateEnv(doc, env).map(({ path, variable }) => {
    const err = new ConfigEnvError(variable)
    issues.add(path, err.message)
    return err
  })
  // The first unset variable rides along as the cause, so code can tell SLC_CONFIG_ENV apart.
  if (issues.size > 0) throw new ConfigError(issues.list(), { cause: unset[0] })

  let raw: unknown
  try {
    // An empty file is an empty mapping, so the user hears which keys are required.
    raw = doc.contents === null ? {} : doc.toJS()
  } catch (err) {
    // toJS refuses alias bombs ("excessive alias count") and similar; there is no better position.
    issues.add([], (err as Error).message)
    throw new ConfigError(issues.list(), { cause: err })
  }
  const value = applyDefaults(schema, raw)
  const problems = schemaIssues(schema, value)
  for (const issue of problems) issues.add(issue.path, issue.message, issue.at, issue.anchor)
  const warnings = new IssueList(file, doc, counter)
  if (check) runCheck(check, value, problems.map((p) => p.at), issues, warnings)
  if (issues.size > 0) throw new ConfigError(issues.list())
  if (warn) for (const line of warnings.list()) warn(line)
  return deepFreeze(value)
}

export async function loadYamlFile<S extends TSchema> (
  path: string, schema: S, check?: Check<Static<S>>, env: Env = process.env, warn?: Warn
): Promise<Static<S>> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message
    throw new ConfigError([`${path}: cannot read file (${reason})`], { cause: err })
  }
  return loadYamlText(text, path, schema, check, env, warn)
}
