// Compiles route definitions into an index built once per config; `match` only reads it.

import { compileConditions, headersHold, normalizeHost, parseHostPattern, queryHolds } from './conditions.js'
import type { Conditions } from './conditions.js'
import { compareRoutes, specificity } from './order.js'
import type { Rankable } from './order.js'
import { decodeParam, parsePattern, splitPath } from './path.js'
import type { PathPattern } from './path.js'
import { MAX_REGEX_INPUT } from './regex-limit.js'
import { TrieNode, collectCandidates, insertRoute } from './trie.js'
import type { RouteDef, RouteMatch, RouteRequest, Router } from './types.js'

interface Entry<T> extends Rankable, Conditions {
  def: RouteDef<T>
  pattern: PathPattern | undefined
  regex: RegExp | undefined
  hosts: readonly string[]
  /** The answer when the route has no params to fill in: shared, so such a match allocates nothing. */
  bare: RouteMatch<T> | undefined
}

const NO_PARAMS: Record<string, string> = Object.freeze({}) as Record<string, string>

/** Routes for one host key: trie routes plus the (few) regex routes, each list in rank order. */
interface Bucket {
  root: TrieNode
  regex: number[]
}

function prepare<T> (def: RouteDef<T>, index: number): Entry<T> {
  const m = def.match
  const pattern = m.pathExact !== undefined
    ? parsePattern(m.pathExact, false)
    : m.pathRegex === undefined ? parsePattern(m.path ?? '/', true) : undefined
  const hosts = m.host === undefined ? [] : typeof m.host === 'string' ? [m.host] : [...m.host]
  const bare = m.pathRegex === undefined && pattern !== undefined && pattern.params.length === 0
    ? Object.freeze({ route: def, params: NO_PARAMS })
    : undefined
  return {
    def,
    index,
    priority: def.priority,
    spec: specificity(m, pattern),
    pattern,
    regex: m.pathRegex === undefined ? undefined : new RegExp(m.pathRegex),
    hosts,
    bare,
    ...compileConditions(m),
  }
}

const newBucket = (): Bucket => ({ root: new TrieNode(), regex: [] })

class CompiledRouter<T> implements Router<T> {
  readonly #entries: ReadonlyArray<Entry<T>>
  readonly #any = newBucket()
  readonly #exactHost = new Map<string, Bucket>()
  readonly #wildcardHost = new Map<string, Bucket>()
  /** Per-lookup memo (the parsed query); match is synchronous, so one reused object is enough. */
  readonly #state: MatchState = { query: undefined }

  constructor (routes: ReadonlyArray<RouteDef<T>>) {
    this.#entries = routes.map(prepare).sort(compareRoutes)
    this.#entries.forEach((entry, rank) => {
      // A Set, since two spellings of one host (`A.test`, `a.test`) share a bucket.
      const buckets = new Set(entry.hosts.length === 0 ? [this.#any] : entry.hosts.map((h) => this.#bucketFor(h)))
      for (const bucket of buckets) {
        if (entry.pattern === undefined) bucket.regex.push(rank)
        else insertRoute(bucket.root, entry.pattern, entry.def.match.pathExact !== undefined, rank)
      }
    })
  }

  #bucketFor (host: string): Bucket {
    const p = parseHostPattern(host)
    const [map, key] = 'exact' in p ? [this.#exactHost, p.exact] : [this.#wildcardHost, p.suffix]
    let bucket = map.get(key)
    if (bucket === undefined) {
      bucket = newBucket()
      map.set(key, bucket)
    }
    return bucket
  }

  match (req: RouteRequest): RouteMatch<T> | undefined {
    const segs = splitPath(req.path)
    return this.#first(this.#candidates(req, segs), req, segs)
  }

  get ordered (): ReadonlyArray<RouteDef<T>> {
    return this.#entries.map(e => e.def)
  }

  /** Off the hot path: only asked after `match` missed, to tell a 405 from a 404. */
  allowedMethods (req: RouteRequest): string[] | undefined {
    const segs = splitPath(req.path)
    const state = this.#state
    state.query = undefined
    const allowed = new Set<string>()
    for (const list of this.#candidates(req, segs)) {
      for (const rank of list) {
        const e = this.#entries[rank] as Entry<T>
        if (e.methods !== undefined && this.#test(rank, req, segs, state, false) !== undefined) {
          for (const m of e.methods) allowed.add(m)
        }
      }
    }
    return allowed.size === 0 ? undefined : [...allowed].sort()
  }

  #candidates (req: RouteRequest, segs: readonly string[]): number[][] {
    const lists: number[][] = []
    collectBucket(this.#any, segs, lists)
    if (this.#exactHost.size > 0 || this.#wildcardHost.size > 0) {
      const host = normalizeHost(req.host)
      if (host !== undefined) this.#collectHost(host, segs, lists)
    }
    return lists
  }

  #collectHost (host: string, segs: readonly string[], lists: number[][]): void {
    const exact = this.#exactHost.get(host)
    if (exact !== undefined) collectBucket(exact, segs, lists)
    if (this.#wildcardHost.size === 0) return
    // `*.example.com` is keyed by `example.com` and needs a non-empty label in front of it.
    for (let dot = host.indexOf('.', 1); dot !== -1; dot = host.indexOf('.', dot + 1)) {
      const bucket = this.#wildcardHost.get(host.slice(dot + 1))
      if (bucket !== undefined) collectBucket(bucket, segs, lists)
    }
  }

  /** Lazy k-way merge of the ascending rank lists: the first full match in rank order wins. */
  #first (lists: number[][], req: RouteRequest, segs: readonly string[]): RouteMatch<T> | undefined {
    const state = this.#state
    state.query = undefined
    if (lists.length === 1) {
      for (const rank of lists[0] as number[]) {
        const found = this.#test(rank, req, segs, state)
        if (found !== undefined) return found
      }
      return undefined
    }
    const pos = new Array<number>(lists.length).fill(0)
    for (;;) {
      let best = -1
      let bestRank = Infinity
      for (let i = 0; i < lists.length; i++) {
        const rank = (lists[i] as number[])[pos[i] as number]
        if (rank !== undefined && rank < bestRank) {
          bestRank = rank
          best = i
        }
      }
      if (best === -1) return undefined
      pos[best] = (pos[best] as number) + 1
      const found = this.#test(bestRank, req, segs, state)
      if (found !== undefined) return found
    }
  }

  #test (
    rank: number, req: RouteRequest, segs: readonly string[], state: MatchState, checkMethod = true
  ): RouteMatch<T> | undefined {
    const e = this.#entries[rank] as Entry<T>
    if (checkMethod && e.methods !== undefined && !e.methods.has(req.method)) return undefined
    let groups: Record<string, string | undefined> | undefined
    if (e.regex !== undefined) {
      if (req.path.length > MAX_REGEX_INPUT) return undefined
      const m = e.regex.exec(req.path)
      if (m === null) return undefined
      groups = m.groups
    }
    if (e.headers !== undefined && !headersHold(e.headers, req.headers)) return undefined
    if (e.query !== undefined && !queryHolds(e.query, state.query ??= new URLSearchParams(req.query))) {
      return undefined
    }
    if (e.bare !== undefined) return e.bare
    const params: Record<string, string> = {}
    if (e.pattern !== undefined) {
      for (const [i, name] of e.pattern.params) params[name] = decodeParam(segs[i] as string)
    }
    if (groups !== undefined) {
      for (const [name, value] of Object.entries(groups)) {
        if (value !== undefined) params[name] = decodeParam(value)
      }
    }
    return { route: e.def, params }
  }
}

interface MatchState {
  query: URLSearchParams | undefined
}

function collectBucket (bucket: Bucket, segs: readonly string[], lists: number[][]): void {
  collectCandidates(bucket.root, segs, 0, lists)
  if (bucket.regex.length > 0) lists.push(bucket.regex)
}

/**
 * Builds the index once per config. Throws a SyntaxError on an invalid regex, which the config
 * check has already ruled out for loaded configs.
 */
export function compileRouter<T> (routes: ReadonlyArray<RouteDef<T>>): Router<T> {
  return new CompiledRouter(routes)
}
