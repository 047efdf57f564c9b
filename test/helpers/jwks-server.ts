// A real JWKS endpoint for auth tests: serves the public halves of the keys it holds, counts the
// fetches, can start serving a new key (rotation) and can go down.

import { createServer } from 'node:http'
import type { Server } from 'node:http'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import type { CryptoKey, JWTPayload } from 'jose'

export interface SigningKey {
  readonly kid: string
  readonly alg: string
  readonly privateKey: CryptoKey
  readonly publicKey: CryptoKey
}

export interface JwksServer {
  readonly url: string
  /** Fetches served so far. */
  readonly fetches: number
  /** Publishes `key` from now on. */
  publish (key: SigningKey): Promise<void>
  close (): Promise<void>
}

export async function makeKey (kid: string, alg: 'RS256' | 'ES256'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
  return { kid, alg, privateKey, publicKey }
}

export async function startJwksServer (keys: SigningKey[]): Promise<JwksServer> {
  let fetches = 0
  const jwks: object[] = []
  const publish = async (k: SigningKey): Promise<void> => {
    jwks.push({ ...await exportJWK(k.publicKey), kid: k.kid, alg: k.alg, use: 'sig' })
  }
  for (const k of keys) await publish(k)
  const server: Server = createServer((_req, res) => {
    fetches++
    const body = JSON.stringify({ keys: jwks })
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=300' })
    res.end(body)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/.well-known/jwks.json`,
    get fetches () { return fetches },
    publish,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    }),
  }
}

/** A signed token; `nowMs` is the wall time the gateway's clock shows. */
export function sign (
  key: SigningKey, claims: JWTPayload, nowMs: number, header: Record<string, unknown> = {}
): Promise<string> {
  const iat = Math.floor(nowMs / 1000)
  return new SignJWT({ iat, exp: iat + 600, ...claims })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, ...header })
    .sign(key.privateKey)
}
