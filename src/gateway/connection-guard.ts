// The client connections, one record each: the cap on how many may be open, the exchanges each one
// carries, and what the idle timeout does to it.
//
// Exchanges end with their connection. node:http emits 'close' only on the response attached to the
// socket; a pipelined request queued behind it gets its 'request' event and then, when the client
// goes, no event on its response at all. Without this record such an exchange keeps its upstream
// request, its pool slot and its in-flight count forever.
//
// The cap sheds the cheapest connection first. A connection with no request in progress is "quiet":
// idle between keep-alive requests, or still sending its head (every slowloris connection is quiet
// for all of its life). When a new connection would pass the cap, the connection quiet for longest
// is closed to make room; only when every connection is busy with a request is the newcomer
// refused. So a flood of connections that never finish a head cannot lock out a client that does:
// it evicts them. nginx does the same with idle keep-alive connections when worker_connections run out.

import type { Server } from 'node:http'
import type { Socket } from 'node:net'

export interface Guarded {
  /** True until the response head is written: the response and body timeouts own this phase. */
  readonly awaitingHead: boolean
  /** Ends the exchange as if its client had closed it; harmless once it has ended. */
  clientGone (): void
}

export interface GuardOptions {
  maxConnections: number
  /** No bytes either way for this long on a connection that is writing a response closes it; 0 = off. */
  idleMs: number
}

interface Conn {
  readonly socket: Socket
  /** In arrival order: the first is the one whose response owns the socket. */
  readonly exchanges: Set<Guarded>
}

export class ConnectionGuard {
  readonly #conns = new Map<Socket, Conn>()
  /** Connections with no exchange, longest-quiet first (a Set keeps insertion order). */
  readonly #quiet = new Set<Conn>()
  readonly #max: number
  readonly #idleMs: number
  /** Connections closed to make room, and newcomers refused because all were busy. */
  evicted = 0
  refused = 0

  constructor (server: Server, options: GuardOptions) {
    this.#max = options.maxConnections
    this.#idleMs = options.idleMs
    server.on('connection', (socket: Socket) => { this.#open(socket) })
    if (options.idleMs > 0) {
      // node:http arms the socket timer with `server.timeout` on each request (keepAliveTimeout
      // between requests), refreshes it on every byte read or written, and leaves the decision to a
      // 'timeout' listener when there is one.
      server.timeout = options.idleMs
      server.on('timeout', (socket: Socket) => { this.#onTimeout(socket) })
    } else {
      // With no idle timeout, node:http still needs someone to close keep-alive sockets that time out.
      server.on('timeout', (socket: Socket) => { if (this.#first(socket) === undefined) socket.destroy() })
    }
  }

  /** Open client connections. */
  get size (): number { return this.#conns.size }

  enter (socket: Socket, exchange: Guarded): void {
    const conn = this.#conns.get(socket)
    // A request on a socket we never saw open (closed already, or not from this server): nothing to track.
    if (conn === undefined) return
    conn.exchanges.add(exchange)
    this.#quiet.delete(conn)
  }

  leave (socket: Socket, exchange: Guarded): void {
    const conn = this.#conns.get(socket)
    if (conn === undefined || !conn.exchanges.delete(exchange)) return
    if (conn.exchanges.size === 0) this.#quiet.add(conn)
  }

  /** Ends every exchange and closes every connection (the drain deadline). */
  destroyAll (): void {
    for (const conn of [...this.#conns.values()]) conn.socket.destroy()
  }

  #open (socket: Socket): void {
    if (this.#conns.size >= this.#max) {
      const victim = this.#quiet.values().next().value
      if (victim === undefined) {
        this.refused++
        socket.destroy()
        return
      }
      this.evicted++
      this.#drop(victim)
      victim.socket.destroy()
    }
    const conn: Conn = { socket, exchanges: new Set() }
    this.#conns.set(socket, conn)
    this.#quiet.add(conn)
    socket.once('close', () => { this.#close(conn) })
  }

  #drop (conn: Conn): void {
    this.#conns.delete(conn.socket)
    this.#quiet.delete(conn)
  }

  #close (conn: Conn): void {
    this.#drop(conn)
    const left = [...conn.exchanges]
    conn.exchanges.clear()
    for (const e of left) e.clientGone()
  }

  #first (socket: Socket): Guarded | undefined {
    return this.#conns.get(socket)?.exchanges.values().next().value
  }

  #onTimeout (socket: Socket): void {
    const first = this.#first(socket)
    // Before the head the exchange waits on the upstream or on the upload, which their own
    // timeouts bound; the idle timer starts counting again when they hand the socket back.
    if (first?.awaitingHead === true) socket.setTimeout(this.#idleMs)
    else socket.destroy()
  }
}
