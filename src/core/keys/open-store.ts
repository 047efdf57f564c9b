// The one place an `auth.apiKeys.store` config becomes a KeyStore (gateway, CLI, admin API).

import { resolve } from 'node:path'
import type { ApiKeysConfig } from '../../config/schema/index.js'
import type { Clock } from '../clock.js'
import { FileKeyStore } from './file-store.js'
import type { KeyStore } from './key-store.js'
import { RedisKeyStore } from './redis-store.js'

export interface OpenStoreOptions {
  baseDir: string
  clock: Clock
  /** Gateways watch the file store; one-shot writers do not. */
  watch: boolean
  onError?: (err: unknown) => void
}

export function openKeyStore (config: ApiKeysConfig['store'], o: OpenStoreOptions): KeyStore & { ready?(): Promise<void> } {
  if (config.type === 'file') {
    return new FileKeyStore(resolve(o.baseDir, config.path), { watch: o.watch, onError: o.onError })
  }
  return new RedisKeyStore(config.url, config.prefix, o.clock)
}
