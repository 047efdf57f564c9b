import { Type } from '@sinclair/typebox'
import type { Static } from '@sinclair/typebox'
import { Cidr, Defaulted, Duration, Port, Size } from './common.js'

export const ClientTimeoutsSchema = Type.Object({
  headers: Defaulted(Duration({
    default: '15s',
    description: 'Budget for receiving a request head, from the connection opening (or the first byte of ' +
      'a later request on it); past it the client gets 408 and the connection closes. Must be above 0.',
  })),
  body: Defaulted(Duration({
    default: '30s',
    description: 'No request body bytes for this long, while the gateway is reading the body, cuts the ' +
      'upload: 408 when no response has started, else the connection closes. 0 turns it off.',
  })),
  idle: Defaulted(Duration({
    default: '60s',
    description: 'No bytes moving either way on a connection whose response is being written (a client ' +
      'that stopped reading) closes it. Waiting for the upstream head is governed by the upstream\'s ' +
      '`timeouts.response` instead. 0 turns it off.',
  })),
}, { additionalProperties: false, default: {}, description: 'Client-side timeouts (see docs/timeouts.md).' })

export const ServerSchema = Type.Object({
  host: Defaulted(Type.String({ minLength: 1, default: '127.0.0.1', description: 'Address the gateway listens on.' })),
  port: Defaulted(Port({
    default: 8080,
    description: 'Port the gateway listens on; 0 picks any free port.',
  })),
  workers: Defaulted(Type.Union([Type.Integer({ minimum: 1 }), Type.Literal('auto')], {
    default: 1,
    errorMessage: 'expected an integer >= 1 or "auto"',
    description: 'Number of worker processes, or `auto` for one per CPU.',
  })),
  trustedProxies: Defaulted(Type.Array(Cidr(), {
    default: [],
    description: 'CIDRs (IPv4 or IPv6) of proxies whose X-Forwarded-*, Forwarded and client-IP headers are believed ' +
      '(dropped or rebuilt from anyone else; see docs/security.md); a bare address means one host.',
  })),
  drainTimeout: Defaulted(Duration({
    default: '30s',
    description: 'Graceful shutdown budget for in-flight requests; past it they are cut. Also how long ' +
      'requests may keep the upstream pools a reload dropped before those are destroyed.',
  })),
  keepAliveTimeout: Defaulted(Duration({
    default: '5s',
    description: 'Idle client keep-alive sockets are closed after this.',
  })),
  maxHeaderSize: Defaulted(Size({
    default: '16kb',
    description: 'Requests whose request line and headers exceed this are answered 431 (414 when the request line alone does).',
  })),
  maxHeaderCount: Defaulted(Type.Integer({
    minimum: 1,
    default: 100,
    description: 'Requests with more header lines than this are answered 431, never forwarded with lines dropped.',
  })),
  maxConnections: Defaulted(Type.Integer({
    minimum: 1,
    default: 10000,
    description: 'Open client connections at most. At the cap a new connection replaces the oldest one ' +
      'with no request in progress (idle keep-alive, or still sending its head); when every connection ' +
      'is busy, the new one is closed.',
  })),
  requestBuffering: Defaulted(Size({
    default: '1mb',
    description: 'A request body whose Content-Length is at most this is read in full before an upstream ' +
      'connection is taken, so slow uploaders cannot hold the pool; larger and chunked bodies stream. ' +
      '0 turns buffering off.',
  })),
  timeouts: Defaulted(ClientTimeoutsSchema),
}, { additionalProperties: false, default: {}, description: 'The client-facing listener.' })

export const AdminSchema = Type.Object({
  host: Defaulted(Type.String({ minLength: 1, default: '127.0.0.1', description: 'Address the admin API listens on.' })),
  port: Defaulted(Port({ default: 9901, description: 'Port the admin API listens on; 0 picks any free port.' })),
  token: Type.Optional(Type.String({
    minLength: 16,
    // JSON Schema's annotation for a value that is never read back; the loader's messages never show it.
    writeOnly: true,
    // eslint-disable-next-line no-template-curly-in-string -- documents the env interpolation syntax
    description: 'Bearer token required by every `/admin/*` endpoint (docs/admin.md); never logged. Usually `${ADMIN_TOKEN}`.',
  })),
}, { additionalProperties: false, default: {}, description: 'The admin listener: health, readiness, metrics, the admin API and the dashboard (docs/admin.md).' })

export const LoggingSchema = Type.Object({
  level: Defaulted(Type.Union([
    Type.Literal('fatal'), Type.Literal('error'), Type.Literal('warn'), Type.Literal('info'),
    Type.Literal('debug'), Type.Literal('trace'), Type.Literal('silent'),
  ], { default: 'info', description: 'Minimum level written to the log.' })),
  accessLog: Defaulted(Type.Boolean({ default: true, description: 'Write one log line per request.' })),
}, { additionalProperties: false, default: {}, description: 'Logging.' })

export type ServerConfig = Static<typeof ServerSchema>
export type AdminConfig = Static<typeof AdminSchema>
export type LoggingConfig = Static<typeof LoggingSchema>
