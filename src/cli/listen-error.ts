// A listener that cannot bind says which config key chose the address and where it is set, so
// "address already in use" leads straight to the line to change.
import { readFile } from 'node:fs/promises'
import { LineCounter, parseDocument } from 'yaml'
import { ConfigError } from '../errors.js'
import { locate } from '../config/locate.js'

const REASONS: Readonly<Record<string, { key: 'port' | 'host', reason: string }>> = {
  EADDRINUSE: { key: 'port', reason: 'the port is already in use (EADDRINUSE)' },
  EACCES: { key: 'port', reason: 'permission denied (EACCES; ports below 1024 need privileges)' },
  EADDRNOTAVAIL: { key: 'host', reason: 'no such address on this machine (EADDRNOTAVAIL)' },
}

/**
 * A ConfigError naming `section.port` (or `.host`) at its file:line:col for the bind failures a
 * config change fixes; any other error is returned as it is.
 */
export async function listenError (
  err: unknown, section: 'server' | 'admin', configPath: string, address: { host: string, port: number }
): Promise<unknown> {
  const known = REASONS[(err as NodeJS.ErrnoException | undefined)?.code ?? '']
  if (known === undefined) return err
  let where = configPath
  let set = false
  try {
    const counter = new LineCounter()
    const doc = parseDocument(await readFile(configPath, 'utf8'), { lineCounter: counter })
    const pos = locate(doc, counter, [section, known.key])
    where = `${configPath}:${pos.line}:${pos.col}`
    set = doc.hasIn([section, known.key])
  } catch {
    // The file was read moments ago; if it is gone now, the path alone still helps.
  }
  const hostPort = `${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`
  const unset = set ? '' : ` (${address[known.key]} is the default; set ${section}.${known.key} to change it)`
  return new ConfigError([`${where} ${section}.${known.key}: cannot listen on ${hostPort}: ${known.reason}${unset}`], { cause: err })
}
