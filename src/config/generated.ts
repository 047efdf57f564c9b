import { renderConfigDocs, renderSuppliersDocs } from './docs.js'
import { DISPATCHER_TYPES_PATH, renderDispatcherTypes } from './dispatcher-types.js'
import { gatewayJsonSchema } from './json-schema.js'
import { DispatcherConfigSchema } from './schema/dispatcher.js'
import { GatewayConfigSchema } from './schema/index.js'

export interface GeneratedFile {
  /** Relative to the repository root. */
  path: string
  content: string
}

/** Everything `npm run gen` writes, rendered in memory so a test can compare it with the repo. */
export function generatedFiles (): GeneratedFile[] {
  return [
    { path: 'schema/sluice.schema.json', content: `${JSON.stringify(gatewayJsonSchema(), null, 2)}\n` },
    { path: 'docs/config.md', content: `${renderConfigDocs(GatewayConfigSchema)}\n${renderSuppliersDocs(DispatcherConfigSchema)}` },
    { path: DISPATCHER_TYPES_PATH, content: renderDispatcherTypes() },
  ]
}
