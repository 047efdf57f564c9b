/** Promise.withResolvers (Node 22+), for Node 20: the promise and the functions that settle it. */
export interface Resolvers<T> {
  readonly promise: Promise<T>
  readonly resolve: (value: T | PromiseLike<T>) => void
  readonly reject: (reason?: unknown) => void
}

export function withResolvers<T> (): Resolvers<T> {
  let res!: Resolvers<T>['resolve']
  let rej!: Resolvers<T>['reject']
  const promise = new Promise<T>((resolve, reject) => {
    res = resolve
    rej = reject
  })
  return { promise, resolve: res, reject: rej }
}
