// The `transform` stage (docs/transforms.md): edits the request on its way upstream (headers,
// query, JSON body) and the response on its way back (headers, JSON body). It sits last in the
// canonical order, so the request side runs after authentication and rate limits (the consumer is
// known) and just before the upstream call, and the response side runs first on the way back,
// before CORS and the request id decorate the head.
//
// A template that expands to a value a header cannot carry fails the exchange with 500
// SLC_TRANSFORM_INVALID_HEADER and an error log line rather than dropping the header: an upstream
// that relies on a tenant or consumer header must not receive the request without it.

import type { GatewayConfig, StageOptions } from '../../config/schema/index.js'
import { parseSize } from '../../core/duration.js'
import { TransformHeaderError } from '../../errors.js'
import type { Metrics } from '../../observability/metrics.js'
import type { RequestContext, ResponseHead, Stage } from '../contract.js'
import { toReply } from '../reply.js'
import { compileHeaderOps, compileJsonOps, compileQueryOps } from '../transform/compile.js'
import { applyHeaderOps } from '../transform/header-ops.js'
import type { Skipped } from '../transform/media.js'
import { applyQueryOps } from '../transform/query-ops.js'
import { transformRequestJson } from '../transform/request-json.js'
import { transformResponseJson } from '../transform/response-json.js'
import type { TemplateEnv } from '../transform/template.js'

export interface TransformDeps {
  readonly metrics: Pick<Metrics, 'transformSkipped'>
  /** For `${consumer.metadata.KEY}`: the `consumers` block. */
  readonly config: Pick<GatewayConfig, 'consumers'>
}

export function createTransformStage (options: StageOptions['transform'], deps: TransformDeps): Stage {
  const max = parseSize(options.maxBodySize)
  const consumers = deps.config.consumers ?? {}
  const env: TemplateEnv = { metadata: id => Object.hasOwn(consumers, id) ? consumers[id]!.metadata : undefined }
  const requestHeaders = compileHeaderOps(options.request?.headers, env)
  const query = compileQueryOps(options.request?.query, env)
  const requestJson = compileJsonOps(options.request?.json, env)
  const responseHeaders = compileHeaderOps(options.response?.headers, env)
  const responseJson = compileJsonOps(options.response?.json, env)
  const skipped: Skipped = (route, reason) => { deps.metrics.transformSkipped.labels(route, reason).inc() }
  const stage: { -readonly [K in keyof Stage]: Stage[K] } = { name: 'transform' }
  if (requestHeaders !== undefined || query !== undefined || requestJson !== undefined) {
    stage.onRequest = (ctx) => {
      try {
        if (requestHeaders !== undefined) applyHeaderOps(requestHeaders, ctx.upstreamHeaders, ctx)
      } catch (err) {
        logInvalid(ctx, err, 'request')
        throw err
      }
      if (query !== undefined) ctx.query = applyQueryOps(query, ctx.query, ctx)
      return requestJson === undefined ? undefined : transformRequestJson(ctx, requestJson, max, skipped)
    }
  }
  if (responseHeaders !== undefined || responseJson !== undefined) {
    stage.onResponseHead = (ctx, head) => {
      try {
        if (responseHeaders !== undefined) applyHeaderOps(responseHeaders, head.headers, ctx)
      } catch (err) {
        logInvalid(ctx, err, 'response')
        replaceWithError(ctx, head, err)
        return
      }
      if (responseJson !== undefined) transformResponseJson(ctx, head, responseJson, max, skipped)
    }
  }
  return stage
}

function logInvalid (ctx: RequestContext, err: unknown, side: 'request' | 'response'): void {
  const header = err instanceof TransformHeaderError ? err.header : undefined
  ctx.log.error({ err, reqId: ctx.id, route: ctx.route?.name, header, side }, 'transform produced an invalid header value')
}

/** The client has seen nothing yet: the upstream's answer is dropped and the error goes out instead. */
function replaceWithError (ctx: RequestContext, head: ResponseHead, err: unknown): void {
  head.stream?.abort()
  const reply = toReply(err, ctx)
  head.status = reply.status
  head.headers.length = 0
  head.headers.push(...reply.headers)
  // What earlier stages asked to add to every response (the runner put them on the head before us).
  if (ctx.responseHeaders !== undefined) head.headers.push(...ctx.responseHeaders)
  head.body = reply.body
  head.stream = undefined
}
