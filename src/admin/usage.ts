// GET /admin/consumers/{id}/usage: where a consumer stands on each of its plan's limits (used,
// remaining, reset), read from the counters without charging them (gateway/rate-limits/usage.ts).
// Behind the admin token like every /admin/* endpoint: it names consumers and their traffic.

import { ConsumerNotFoundError } from '../errors.js'
import { sendError, sendJson } from './respond.js'
import type { AdminRoute } from './route-table.js'
import type { UsageReader } from '../gateway/rate-limits/usage.js'

/** `read`: the target's usage (a gateway's, or a cluster primary's asking a worker). */
export function usageRoute (read: UsageReader): AdminRoute {
  return {
    method: 'GET',
    path: '/admin/consumers/{id}/usage',
    protected: true,
    async handle ({ res, requestId, params }) {
      const id = params.id!
      const usage = await read(id)
      if (usage === undefined) sendError(res, requestId, new ConsumerNotFoundError(id))
      else sendJson(res, 200, usage)
    },
  }
}
