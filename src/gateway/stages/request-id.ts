// Sends the request id (resolved when the request arrived, see ../request-id.ts) upstream.

import type { Stage } from '../contract.js'

export function createRequestIdStage (): Stage {
  return {
    name: 'requestId',
    onRequest (ctx) {
      ctx.upstreamHeaders.push('x-request-id', ctx.id)
      return undefined
    },
  }
}
