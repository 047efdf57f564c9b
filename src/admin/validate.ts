// POST /admin/validate: the `sluice validate` code path on a config sent in the body (YAML or
// JSON), never applied. The config may reference ${VARS} of the gateway's environment, so a value
// can be echoed in a message ("expected an integer (got "…")"): every variable the config read is
// scrubbed from the answer, lest the endpoint become a way to read the process environment.

import type { IncomingMessage } from 'node:http'
import { validateText } from '../config/validate-command.js'
import type { Env } from '../config/env.js'
import { PayloadTooLargeError } from '../errors.js'
import { REDACTED } from './redact.js'

const MAX_BODY = 1024 * 1024
/** The name the answer's positions use for the posted text. */
export const POSTED_FILE = 'posted.yaml'

export interface ValidateAnswer {
  ok: boolean
  /** `file:line:col path: message`, one per problem (when not ok). */
  issues?: string[]
  warnings?: string[]
}

export async function validatePosted (req: IncomingMessage, env: Env = process.env): Promise<ValidateAnswer> {
  const text = await readText(req)
  const read = new Set<string>()
  const recording = new Proxy(env, {
    get (target, key) {
      const v = Reflect.get(target, key) as unknown
      if (typeof key === 'string' && typeof v === 'string' && v !== '') read.add(v)
      return v
    },
  })
  const r = await validateText(text, POSTED_FILE, recording)
  const scrub = (line: string): string => {
    for (const v of read) line = line.split(v).join(REDACTED)
    return line
  }
  const answer: ValidateAnswer = { ok: r.ok }
  if (!r.ok) answer.issues = r.output.split('\n').map(scrub)
  if (r.warnings !== undefined) answer.warnings = r.warnings.map(scrub)
  return answer
}

async function readText (req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const c of req) {
    size += (c as Buffer).length
    if (size > MAX_BODY) throw new PayloadTooLargeError(MAX_BODY)
    chunks.push(c as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}
