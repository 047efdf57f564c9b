// `sluice/gateway`: the API gateway, its config loader and the observability it reports through
// (pino, prom-client). The dispatcher's metrics binding lives here too, beside the registry it fills.

export * from '../errors.js'
export { createGateway } from './gateway.js'
export type { Gateway, GatewayOptions, ReloadResult } from './gateway.js'
export { loadConfigFile, loadConfigText } from '../config/load.js'
export type { GatewayConfig } from '../config/schema/index.js'
export { createMetrics, METRIC_DEFS } from '../observability/metrics.js'
export type { Metrics } from '../observability/metrics.js'
export { bindDispatcherMetrics } from '../observability/dispatcher-metrics.js'
export { createLogger } from '../observability/logger.js'
