// The servers of the gateway bench: the fixed-response upstream and every proxy measured against
// it, each started pinned to one core (taskset execs, so the child's pid is the server's), with its
// config written into the run's scratch folder. Every peer runs one worker / one thread, keeps
// upstream connections alive and logs nothing per request, like Sluice under bench/gateway.yaml.

import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdirSync, openSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export interface ServerContext {
  /** Scratch folder of this run. */
  dir: string
  core: number
  port: number
  upstreamUrl: string
}

export interface ServerSpec {
  name: string
  /** Why it cannot run here (a missing binary), or undefined. */
  missing?: string
  start (ctx: ServerContext): ChildProcess
}

export const BODY_1K = 'x'.repeat(1024)

export function pinned (
  ctx: ServerContext, name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = {}
): ChildProcess {
  const log = openSync(join(ctx.dir, `${name}.log`), 'a')
  return spawn('taskset', ['-c', String(ctx.core), cmd, ...args], {
    env: { ...process.env, ...env, PORT: String(ctx.port), UPSTREAM_URL: ctx.upstreamUrl },
    stdio: ['ignore', log, log],
  })
}

const scratch = (ctx: ServerContext, name: string): string => {
  const d = join(ctx.dir, name)
  mkdirSync(join(d, 'tmp'), { recursive: true })
  return d
}

/** nginx's temp paths, pointed into the scratch folder (nginx refuses to start if the defaults are unwritable). */
const nginxTemps = (d: string): string => ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
  .map((k) => `  ${k}_temp_path ${d}/tmp/${k};`).join('\n')

/** 1 KiB from a `return` (no file I/O), 64 KiB as a static file (sendfile). */
export function upstreamNginx (ctx: ServerContext): ChildProcess {
  const d = scratch(ctx, 'upstream')
  mkdirSync(join(d, 'www'), { recursive: true })
  writeFileSync(join(d, 'www', '64k'), 'x'.repeat(65536))
  writeFileSync(join(d, 'nginx.conf'), `worker_processes 1;
daemon off;
pid ${d}/nginx.pid;
error_log ${d}/error.log warn;
events { worker_connections 4096; multi_accept on; }
http {
  access_log off; sendfile on; tcp_nopush on; tcp_nodelay on; etag off; server_tokens off;
  keepalive_timeout 120s; keepalive_requests 10000000;
  open_file_cache max=64 inactive=600s; open_file_cache_valid 600s;
  default_type application/octet-stream;
${nginxTemps(d)}
  server {
    listen 127.0.0.1:${ctx.port} backlog=4096;
    root ${d}/www;
    location = /1k { return 200 "${BODY_1K}"; }
    location / { }
  }
}
`)
  return pinned(ctx, 'upstream', 'nginx', ['-p', d, '-c', join(d, 'nginx.conf'), '-e', join(d, 'error.log')])
}

const PEERS = fileURLToPath(new URL('peers/', import.meta.url))

export const nginxProxy: Omit<ServerSpec, 'name'> = {
  start (ctx) {
    const d = scratch(ctx, 'nginx')
    const up = new URL(ctx.upstreamUrl)
    writeFileSync(join(d, 'nginx.conf'), `worker_processes 1;
daemon off;
pid ${d}/nginx.pid;
error_log ${d}/error.log warn;
events { worker_connections 4096; multi_accept on; }
http {
  access_log off; tcp_nodelay on; server_tokens off;
  keepalive_timeout 75s; keepalive_requests 10000000;
${nginxTemps(d)}
  upstream backend { server ${up.host}; keepalive 256; keepalive_requests 10000000; keepalive_timeout 120s; }
  server {
    listen 127.0.0.1:${ctx.port} backlog=4096;
    location / {
      proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection "";
      # 64 KiB answers stay in memory, never in a temp file
      proxy_buffer_size 16k; proxy_buffers 8 16k;
    }
  }
}
`)
    return pinned(ctx, 'nginx', 'nginx', ['-p', d, '-c', join(d, 'nginx.conf'), '-e', join(d, 'error.log')])
  },
}

export const haproxy: Omit<ServerSpec, 'name'> = {
  start (ctx) {
    const d = scratch(ctx, 'haproxy')
    writeFileSync(join(d, 'haproxy.cfg'), `global
  nbthread 1
  maxconn 8000
  tune.bufsize 16384
defaults
  mode http
  option http-keep-alive
  http-reuse always
  timeout connect 5s
  timeout client 60s
  timeout server 60s
frontend fe
  bind 127.0.0.1:${ctx.port}
  default_backend be
backend be
  server s1 ${new URL(ctx.upstreamUrl).host} maxconn 1000
`)
    return pinned(ctx, 'haproxy', 'haproxy', ['-db', '-f', join(d, 'haproxy.cfg')])
  },
}

export const caddy: Omit<ServerSpec, 'name'> = {
  start (ctx) {
    const d = scratch(ctx, 'caddy')
    writeFileSync(join(d, 'Caddyfile'), `{
  admin off
  auto_https off
}
http://127.0.0.1:${ctx.port} {
  reverse_proxy ${new URL(ctx.upstreamUrl).host} {
    transport http {
      keepalive 120s
      keepalive_idle_conns 512
      keepalive_idle_conns_per_host 256
    }
  }
}
`)
    return pinned(ctx, 'caddy', 'caddy', ['run', '--config', join(d, 'Caddyfile'), '--adapter', 'caddyfile'],
      { GOMAXPROCS: '1', XDG_DATA_HOME: d, XDG_CONFIG_HOME: d })
  },
}

/** A Node peer from bench/peers/, run by `node` (the one running the bench unless given). */
export function nodePeer (file: string, env: NodeJS.ProcessEnv = {}, node = process.execPath): Omit<ServerSpec, 'name'> {
  return { start: (ctx) => pinned(ctx, file, node, [join(PEERS, file)], env) }
}
