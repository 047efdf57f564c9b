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
import type { Env } from './env.js'
import { deepFreeze } from './freeze.js'
import { IssueList } from './issues.js'
import type { Anchor, ConfigPath } from './locate.js'
import { schemaIssues } from './schema-issues.js'

/** Reports one problem about `path`; `anchor: 'key'` points at the key rather than its value. */
export type Report = (path: ConfigPath, message: string, anchor?: Anchor) => void

/** Cross-checks the schema cannot express. Runs only on a value the schema accepted. */
export type Check<T> = (value: T, report: Report) => void

export function loadYamlText<S extends TSchema> (
  text: string, file: string, schema: S, check?: Check<Static<S>>, env: Env = process.env
): Static<S> {
  const counter = new LineCounter()
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false })
  const issues = new IssueList(file, doc, counter)
  for (const err of doc.errors) issues.addAt(err.pos[0], 'YAML syntax error', err.message)
  if (issues.size > 0) throw new ConfigError(issues.list())

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
  if (problems.length > 0) {
    for (const issue of problems) issues.add(issue.path, issue.message, issue.at, issue.anchor)
  } else if (check) {
    check(value, (path, message, anchor) => issues.add(path, message, path, anchor))
  }
  if (issues.size > 0) throw new ConfigError(issues.list())
  return deepFreeze(value)
}

export async function loadYamlFile<S extends TSchema> (
  path: string, schema: S, check?: Check<Static<S>>, env: Env = process.env
): Promise<Static<S>> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message
    throw new ConfigError([`${path}: cannot read file (${reason})`], { cause: err })
  }
  return loadYamlText(text, path, schema, check, env)
}
