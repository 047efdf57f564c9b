// @fastify/http-proxy (through @fastify/reply-from and an undici Pool), the best Node peer in
// earlier runs. Its packages come from bench/peers/package.json, installed by the bench into
// PEER_DEPS (a cache folder), not into the project.
import { createRequire } from 'node:module'
import { join } from 'node:path'

const require = createRequire(join(process.env.PEER_DEPS, 'package.json'))
const fastify = require('fastify')({ logger: false, keepAliveTimeout: 120e3 })
fastify.register(require('@fastify/http-proxy'), {
  upstream: process.env.UPSTREAM_URL,
  undici: { connections: 256, pipelining: 1 },
})
fastify.listen({ port: Number(process.env.PORT), host: '127.0.0.1' })
