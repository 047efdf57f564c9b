// What a JSON transform may touch, decided from the head alone.

/** `application/json` or any `+json` type (RFC 6839), parameters ignored. */
export function isJsonType (contentType: string | undefined): boolean {
  if (contentType === undefined) return false
  const semi = contentType.indexOf(';')
  const type = (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase()
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'))
}

/** The body is content-coded (gzip, br, …): the gateway does not decode it, so it passes untouched. */
export function isEncoded (contentEncoding: string | undefined): boolean {
  return contentEncoding !== undefined && contentEncoding.trim().toLowerCase() !== 'identity' && contentEncoding.trim() !== ''
}

/** Why a JSON transform left a body alone; the `reason` label of sluice_transform_skipped_total. */
export type SkipReason = 'not_json' | 'invalid_json' | 'too_large' | 'encoding'

export type Skipped = (route: string, reason: SkipReason) => void
