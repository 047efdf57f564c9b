// The Stage contract and the runner. Request stages run in route order and may answer locally;
// response stages run in reverse on the head, whoever produced it (upstream, stage or error), so
// stages such as CORS still decorate error replies.

import type { Context } from './context.js'
import type { ResponseHead } from './reply.js'
import { toReply } from './reply.js'

export type Verdict = ResponseHead | undefined

export interface Stage {
  readonly name: string
  /** Runs in route order before the upstream call. Return a head to answer here and stop. */
  onRequest?(ctx: Context): Verdict | Promise<Verdict>
  /** Runs in reverse order on the response head before it is written. Must not throw. */
  onResponse?(ctx: Context, head: ResponseHead): void
}

/** The terminal step every route has: the upstream call. */
export interface Terminal {
  call (ctx: Context): Promise<ResponseHead>
}

function isThenable<T> (v: T | Promise<T>): v is Promise<T> {
  return typeof (v as { then?: unknown } | undefined)?.then === 'function'
}

export async function run (stages: readonly Stage[], ctx: Context, terminal: Terminal): Promise<ResponseHead> {
  let ran = 0
  let head: ResponseHead | undefined
  try {
    while (ran < stages.length && head === undefined) {
      const stage = stages[ran++]!
      if (stage.onRequest === undefined) continue
      const v = stage.onRequest(ctx)
      // Sync stages cost no await (cf. fastify's hook runner).
      head = isThenable(v) ? await v : v
      if (head !== undefined) ctx.flag('LR')
    }
    head ??= await terminal.call(ctx)
  } catch (err) {
    head = toReply(err, ctx)
  }
  for (let i = ran - 1; i >= 0; i--) {
    const stage = stages[i]!
    if (stage.onResponse === undefined) continue
    try {
      stage.onResponse(ctx, head)
    } catch (err) {
      ctx.log.error({ err, stage: stage.name, reqId: ctx.id }, 'response stage threw')
    }
  }
  return head
}
