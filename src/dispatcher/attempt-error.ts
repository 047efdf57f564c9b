// What a transport failure becomes for the caller. undici also fails requests it refused to send
// (a bad path or header, a body that disagrees with its content-length) and requests on a closed
// pool: those are the caller's mistake or our shutdown, not the supplier's, so they must not be
// reported as SLC_BAD_GATEWAY, retried, or counted by the breaker.

import { kindOf } from '../error-kinds.js'
import { BadGatewayError, InvalidOptionsError, ShuttingDownError } from '../errors.js'

export function attemptError (err: Error, supplier: { readonly name: string, readonly origin: string }): Error {
  switch (kindOf(err)) {
    case 'caller': return new InvalidOptionsError(`request to ${supplier.name}: ${err.message}`, { cause: err })
    case 'cancelled': return new ShuttingDownError({ cause: err })
    default: return new BadGatewayError(supplier.origin, `${supplier.name}: ${err.message}`, { cause: err })
  }
}
