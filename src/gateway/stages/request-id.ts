// X-Request-Id: a client's id is kept when it is a sane token, otherwise one is generated. The
// id goes upstream (this stage) and back on every response, errors included (reply.ts).

import { randomBytes } from 'node:crypto'
import type { Stage } from '../pipeline.js'

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

export function createRequestIdStage (): Stage {
  return {
    name: 'requestId',
    onRequest (ctx) {
      ctx.upstreamHeaders.push('x-request-id', ctx.id)
      return undefined
    },
  }
}
