// The stage runner (the Stage contract is in contract.ts). Request stages run in route order and
// may answer locally; onResponseHead runs in reverse on the head, whoever produced it (upstream,
// stage or error), so stages such as CORS still decorate error replies; onEnd runs in reverse
// once the exchange is over. Both later hooks reach only the stages whose onRequest started.
//
// The runner is callback-driven rather than async: a request whose stages are all synchronous
// (the common case) costs no promise and no microtask hop between the router and the upstream
// call, and the terminal answers through a per-server object instead of a per-request closure.

import type { Answer, Exchange, ResponseHead, Stage, Terminal } from './contract.js'
import { toReply } from './reply.js'

/** Receives the final head of every request the runner ran. */
export type Respond = (ctx: Exchange, head: ResponseHead) => void

export interface Runner {
  run (stages: readonly Stage[], ctx: Exchange, terminal: Terminal): void
  /** The exchange is over (the server calls it once, on the response's 'close'). */
  end (ctx: Exchange): void
}

function isThenable<T> (v: T | Promise<T>): v is Promise<T> {
  return typeof (v as { then?: unknown } | undefined)?.then === 'function'
}

/** `failed` sees every error before it becomes a reply (the server logs 502/504 causes there). */
export function createRunner (respond: Respond, failed?: (ctx: Exchange, err: unknown) => void): Runner {
  const answer: Answer = {
    head: finish,
    fail (ctx, err) {
      failed?.(ctx, err)
      finish(ctx, toReply(err, ctx))
    },
  }

  function finish (ctx: Exchange, head: ResponseHead): void {
    // Before the response stages, so they see (and may edit) what earlier stages asked to add.
    if (ctx.responseHeaders !== undefined) head.headers.push(...ctx.responseHeaders)
    const stages = ctx.stages
    for (let i = ctx.stagesRan - 1; i >= 0; i--) {
      const stage = stages[i]!
      if (stage.onResponseHead === undefined) continue
      try {
        stage.onResponseHead(ctx, head)
      } catch (err) {
        ctx.log.error({ err, stage: stage.name, reqId: ctx.id }, 'response stage threw')
      }
    }
    respond(ctx, head)
  }

  /** Runs request stages from `ctx.stagesRan` on; returns without calling anything once one goes async. */
  function proceed (ctx: Exchange, terminal: Terminal): void {
    const stages = ctx.stages
    try {
      while (ctx.stagesRan < stages.length) {
        const stage = stages[ctx.stagesRan++]!
        if (stage.onRequest === undefined) continue
        const v = stage.onRequest(ctx)
        if (v === undefined) continue
        if (isThenable(v)) {
          v.then(
            head => { if (head === undefined) proceed(ctx, terminal); else local(ctx, head) },
            err => { answer.fail(ctx, err) }
          )
          return
        }
        local(ctx, v)
        return
      }
    } catch (err) {
      answer.fail(ctx, err)
      return
    }
    try {
      terminal.call(ctx, answer)
    } catch (err) {
      answer.fail(ctx, err)
    }
  }

  function local (ctx: Exchange, head: ResponseHead): void {
    ctx.flag('LR')
    // The head's header array is edited on the way out; a stage may have answered with a shared one.
    finish(ctx, { status: head.status, headers: head.headers.slice(), body: head.body, stream: head.stream })
  }

  return {
    run (stages, ctx, terminal) {
      ctx.stages = stages
      ctx.stagesRan = 0
      proceed(ctx, terminal)
    },
    end (ctx) {
      const stages = ctx.stages
      for (let i = ctx.stagesRan - 1; i >= 0; i--) {
        const stage = stages[i]!
        if (stage.onEnd === undefined) continue
        try {
          stage.onEnd(ctx)
        } catch (err) {
          ctx.log.error({ err, stage: stage.name, reqId: ctx.id }, 'stage onEnd threw')
        }
      }
    },
  }
}
