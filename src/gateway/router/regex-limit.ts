// How much client input a regex from the config reads. The config check refuses patterns that can
// backtrack badly (config/regex-safety.ts); this bound is the second line: whatever a pattern
// costs per character, no request makes it read more than this. Docs: docs/paths.md.

/**
 * The longest value (in UTF-16 units) a config regex is run on. A longer header or query value
 * never matches a `/…/` condition, a longer path never matches `pathRegex`, and a longer path on
 * a route with a regex `rewrite` is refused with 400. Real values stay far below it.
 */
export const MAX_REGEX_INPUT = 4096
