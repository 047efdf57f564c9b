import type { IncomingHttpHeaders } from 'node:http'

/**
 * What a route matches on. At most one of `path`, `pathExact`, `pathRegex` is set (the config
 * check enforces it); every condition that is set must hold.
 */
export interface RouteMatchDef {
  /** Prefix on a segment boundary; `:name` segments match one segment and become params. */
  path?: string
  /** Whole path, `:name` segments allowed. */
  pathExact?: string
  /** JS regex source tested against the normalised path; named groups become params. */
  pathRegex?: string
  /** Exact host or leading wildcard `*.example.com`; case-insensitive, any `:port` ignored. */
  host?: string | readonly string[]
  /** Uppercase HTTP methods. */
  methods?: readonly string[]
  /** Header name → exact value, or a regex written `/.../`. */
  headers?: Readonly<Record<string, string>>
  /** Decoded query param → exact value, or a regex written `/.../`. */
  query?: Readonly<Record<string, string>>
}

export interface RouteDef<T> {
  name: string
  match: RouteMatchDef
  /** Highest wins; ties go to the more specific route, then to the earlier one. */
  priority: number
  /** Whatever the caller attaches (the gateway attaches its compiled route). */
  payload: T
}

export interface RouteMatch<T> {
  route: RouteDef<T>
  params: Record<string, string>
}

export interface RouteRequest {
  method: string
  /** The Host header as received; a `:port` suffix is ignored. */
  host: string | undefined
  /** The normalised path (router/normalize-path.ts), without the query. */
  path: string
  /** Raw query string without `?`; may be empty. */
  query: string
  headers: IncomingHttpHeaders
}

export interface Router<T> {
  /** Every route in the order `match` tries them (priority, specificity, file order); for the admin API. */
  readonly ordered: ReadonlyArray<RouteDef<T>>
  match (req: RouteRequest): RouteMatch<T> | undefined
  /**
   * After `match` missed: the methods of the routes that match everything but the method (sorted),
   * or undefined when none does. The gateway answers 405 with them in `Allow` rather than 404.
   */
  allowedMethods (req: RouteRequest): string[] | undefined
}
