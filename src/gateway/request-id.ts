// Request ids: a client's X-Request-Id is kept when it is a sane token, otherwise one is generated.
// The context resolves the id when a request arrives; the requestId stage sends it upstream and
// reply.ts puts it on every response, errors included.

import { randomBytes } from 'node:crypto'

const SANE = /^[A-Za-z0-9._:-]{1,128}$/

// A random per-process prefix plus a counter is unique enough for tracing across a fleet and
// costs a string concat instead of a UUID per request.
const PREFIX = randomBytes(6).toString('base64url')
let counter = 0

export function generateRequestId (): string {
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER
  return `${PREFIX}-${counter.toString(36)}`
}

export function resolveRequestId (fromClient: string | undefined): string {
  return fromClient !== undefined && SANE.test(fromClient) ? fromClient : generateRequestId()
}
