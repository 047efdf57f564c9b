// Options of the `cors` stage (src/gateway/stages/cors.ts), after the Fetch standard's CORS
// protocol (https://fetch.spec.whatwg.org/#http-cors-protocol).

import { Type } from '@sinclair/typebox'
import { Defaulted, Duration } from './common.js'

const TOKEN = '^[!#$%&\'*+.^_`|~0-9A-Za-z-]+$'

export const CorsStageSchema = Type.Object({
  allowOrigins: Type.Array(Type.String({ minLength: 1 }), {
    minItems: 1,
    description: 'Origins allowed to read responses: exact (`https://app.example.com`), a wildcard subdomain ' +
      '(`https://*.example.com`, one or more labels) or `*` (any origin). The allowed origin is echoed, ' +
      'never `*` together with credentials.',
  }),
  allowMethods: Defaulted(Type.Array(Type.String({ pattern: '^[A-Z]+$', errorMessage: 'expected an uppercase HTTP method like GET' }), {
    default: ['GET', 'HEAD', 'POST'],
    description: 'Methods a preflight allows (Access-Control-Allow-Methods).',
  })),
  allowHeaders: Defaulted(Type.Array(Type.String({ pattern: TOKEN }), {
    default: [],
    description: 'Request headers a preflight allows (Access-Control-Allow-Headers); `*` allows whatever the ' +
      'preflight asks for.',
  })),
  exposeHeaders: Defaulted(Type.Array(Type.String({ pattern: TOKEN }), {
    default: [],
    description: 'Response headers scripts may read (Access-Control-Expose-Headers).',
  })),
  allowCredentials: Defaulted(Type.Boolean({
    default: false,
    description: 'Send Access-Control-Allow-Credentials: true (cookies and Authorization from browsers).',
  })),
  maxAge: Type.Optional(Duration({
    description: 'How long browsers may cache a preflight answer (Access-Control-Max-Age, whole seconds).',
  })),
}, {
  additionalProperties: false,
  description: 'Cross-origin resource sharing (the `cors` stage): preflights are answered by the gateway (204) ' +
    'and not forwarded; CORS headers go on every reply of the route, error replies included.',
})
