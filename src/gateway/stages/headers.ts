// The `headers` stage: fixed response headers, set on every response of the route whoever made it
// (upstream answer, local reply, error), replacing an upstream header of the same name. The schema
// admits only token names and values without CR/LF, and the config check refuses the names the
// gateway owns (framing, hop-by-hop, X-Request-Id), so nothing here can split or reframe a response.

import type { StageOptions } from '../../config/schema/index.js'
import type { Stage } from '../contract.js'
import { setHeader } from '../headers.js'

export function createHeadersStage (options: StageOptions['headers']): Stage {
  const set = Object.entries(options.response).map(([name, value]) => [name.toLowerCase(), value] as const)
  return {
    name: 'headers',
    onResponseHead (_ctx, head) {
      for (const [name, value] of set) setHeader(head.headers, name, value)
    },
  }
}
