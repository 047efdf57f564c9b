// Options of the `transform` stage (issue 11): header, query and JSON body edits on the way to the
// upstream and back. Template and pointer grammar: config/transform-rules.ts; what each verb does:
// docs/transforms.md.

import { Type } from '@sinclair/typebox'
import { Defaulted, Size } from './common.js'

const HEADER_NAME = '^[!#$%&\'*+.^_`|~0-9A-Za-z-]+$'
const HeaderName = Type.String({ pattern: HEADER_NAME, errorMessage: 'expected a header name (an RFC 9110 token)' })
const Template = Type.String({
  description: 'A value; `$' + '{…}` variables expand per request (docs/transforms.md lists them).',
})
const Pointer = Type.String({ description: 'A JSON Pointer (RFC 6901); `*` stands for every array element.' })

const HeaderOps = Type.Object({
  set: Type.Optional(Type.Record(HeaderName, Template, {
    additionalProperties: false,
    description: 'Header name → template: replaces every line of that name, or adds one.',
  })),
  add: Type.Optional(Type.Record(HeaderName, Template, {
    additionalProperties: false,
    description: 'Header name → template: adds a line, keeping the ones already there.',
  })),
  remove: Type.Optional(Type.Array(HeaderName, { description: 'Header names to drop.' })),
  rename: Type.Optional(Type.Record(HeaderName, HeaderName, {
    additionalProperties: false,
    description: 'Old name → new name: the old lines move to the new name, replacing lines already under it.',
  })),
}, {
  additionalProperties: false,
  minProperties: 1,
  description: 'Header edits, applied in the order remove, rename, set, add.',
})

const QueryOps = Type.Object({
  set: Type.Optional(Type.Record(Type.String({ minLength: 1 }), Template, {
    description: 'Parameter name → template: replaces every occurrence of that name, or adds it.',
  })),
  remove: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'Parameter names to drop.' })),
}, { additionalProperties: false, minProperties: 1, description: 'Query string edits, applied in the order remove, set.' })

const JsonOps = Type.Object({
  set: Type.Optional(Type.Record(Pointer, Type.Unknown(), {
    description: 'Pointer → value: string values are templates, others are set as written; missing parent ' +
      'objects are created.',
  })),
  remove: Type.Optional(Type.Array(Pointer, { description: 'Pointers to delete.' })),
  rename: Type.Optional(Type.Record(Pointer, Pointer, {
    description: 'Old pointer → new pointer: the value moves; with `*`, both share the path up to the last `*`.',
  })),
}, {
  additionalProperties: false,
  minProperties: 1,
  description: 'JSON body edits, applied in the order remove, rename, set; only on JSON bodies up to `maxBodySize`.',
})

export const TransformStageSchema = Type.Object({
  maxBodySize: Defaulted(Size({
    default: '1mb',
    description: 'Largest body a JSON transform buffers; a larger one passes untouched and is counted.',
  })),
  request: Type.Optional(Type.Object({
    headers: Type.Optional(HeaderOps),
    query: Type.Optional(QueryOps),
    json: Type.Optional(JsonOps),
  }, { additionalProperties: false, minProperties: 1, description: 'Edits to the request sent upstream.' })),
  response: Type.Optional(Type.Object({
    headers: Type.Optional(HeaderOps),
    json: Type.Optional(JsonOps),
  }, { additionalProperties: false, minProperties: 1, description: 'Edits to the upstream response sent to the client.' })),
}, { additionalProperties: false, description: 'Request and response transforms (the `transform` stage; docs/transforms.md).' })
