// GET /admin/openapi.json: the admin API as OpenAPI 3.1, its schemas from api-schema.ts. The
// e2e test calls every path listed here and checks each answer against its schema.

import { packageVersion } from '../cli/package-files.js'
import * as S from './api-schema.js'

interface Op {
  summary: string
  /** The 200 answer's schema (api-schema.ts); none for this document itself. */
  schema?: keyof typeof S
  token?: false
  body?: true
  query?: true
  /** Other statuses it may answer with (401 and 403 go with the token). */
  codes?: number[]
  /** A value for each `{param}` of the path, which the end-to-end test calls it with. */
  example?: Readonly<Record<string, string>>
}

/** Path → method → what it answers 200 with. */
export const OPERATIONS: Readonly<Record<string, Readonly<Record<string, Op>>>> = {
  '/healthz': { get: { summary: 'Liveness: 200 while the process runs', schema: 'Health', token: false } },
  '/readyz': { get: { summary: 'Readiness: 200 while serving, 503 while draining or before the config is loaded', schema: 'Health', token: false, codes: [503] } },
  '/admin/status': { get: { summary: 'Version, uptime, workers, the config in service and the last reloads', schema: 'Status' } },
  '/admin/routes': { get: { summary: 'Compiled routes in match order, with their match, stages and upstream', schema: 'Routes' } },
  '/admin/upstreams': { get: { summary: 'Every upstream and target: weight, in-flight, health and what the resilience parts report', schema: 'Upstreams' } },
  '/admin/config': { get: { summary: 'The effective config, secrets redacted', schema: 'Config' } },
  '/admin/stats': { get: { summary: 'Per route: requests, req/s, error rate, p50 and p99 over a recent window', schema: 'Stats', query: true } },
  '/admin/validate': { post: { summary: 'Checks a config (YAML or JSON body) without applying it', schema: 'Validation', body: true, codes: [413] } },
  '/admin/reload': { post: { summary: 'Reloads the config file; 400 with the located errors when it is invalid', schema: 'Reload', codes: [400] } },
  '/admin/openapi.json': { get: { summary: 'This document' } },
}

function parameters (path: string, op: Op): { parameters?: unknown[] } {
  const list: unknown[] = [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: { type: 'string' } }))
  if (op.query === true) {
    list.push({ name: 'window', in: 'query', required: false, schema: { type: 'number', minimum: 1, maximum: 300, default: 60 }, description: 'Seconds' })
  }
  return list.length === 0 ? {} : { parameters: list }
}

const errorRef = { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } } }

export function openApiDocument (): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const [path, ops] of Object.entries(OPERATIONS)) {
    paths[path] = {}
    for (const [method, op] of Object.entries(ops)) {
      const responses: Record<string, unknown> = {
        200: op.schema === undefined
          ? { description: 'OpenAPI 3.1 document', content: { 'application/json': { schema: { type: 'object' } } } }
          : { description: 'OK', content: { 'application/json': { schema: { $ref: `#/components/schemas/${op.schema}` } } } },
      }
      for (const code of op.codes ?? []) {
        responses[code] = code === 503 ? { description: 'Not ready', content: { 'application/json': { schema: { $ref: '#/components/schemas/Health' } } } } : errorRef
      }
      if (op.token !== false) {
        responses[401] = errorRef
        responses[403] = { ...errorRef, description: 'admin.token is not set: the endpoint is disabled' }
      }
      paths[path][method] = {
        summary: op.summary,
        ...(op.token === false ? { security: [] } : {}),
        ...parameters(path, op),
        ...(op.body === true
          ? { requestBody: { required: true, content: { 'application/yaml': { schema: { type: 'string' } }, 'application/json': { schema: { type: 'object' } } } } }
          : {}),
        responses,
      }
    }
  }
  const schemas = Object.fromEntries(Object.entries(S).map(([k, v]) => [k, JSON.parse(JSON.stringify(v)) as unknown]))
  return {
    openapi: '3.1.0',
    info: { title: 'Sluice admin API', version: packageVersion(), description: 'The admin listener (docs/admin.md).' },
    security: [{ adminToken: [] }],
    paths,
    components: {
      securitySchemes: { adminToken: { type: 'http', scheme: 'bearer', description: 'admin.token from the config' } },
      schemas,
    },
  }
}
