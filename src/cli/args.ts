// A small hand-written flag parser: the CLI has five commands and a handful of flags, which does
// not justify a dependency, and node:util parseArgs cannot tell us *which* flag was unknown in a
// message we control.

import { closest } from '../config/hint.js'
import { UsageError } from '../errors.js'

export interface FlagSpec {
  /** Long name without dashes: `config` for `--config`. */
  readonly name: string
  readonly short?: string
  readonly type: 'string' | 'boolean'
  readonly description: string
  /** Shown in help as `--config FILE`. */
  readonly valueName?: string
}

export interface ParsedArgs {
  readonly flags: Readonly<Record<string, string | boolean | undefined>>
  readonly positionals: readonly string[]
}

export interface ParseOptions {
  /** How many positionals the command accepts (default 0); more is a usage error. */
  readonly maxPositionals?: number
}

/**
 * Parses `argv` (the words after the command name) against `specs`.
 * Accepts `--name value`, `--name=value`, `-n value`, `-nvalue`, `--` to end flags.
 * Throws UsageError naming the offending word for unknown flags, missing values and extra words.
 */
export function parseArgs (
  argv: readonly string[], specs: readonly FlagSpec[], options: ParseOptions = {}
): ParsedArgs {
  const byLong = new Map(specs.map((s) => [s.name, s]))
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short!, s]))
  const flags: Record<string, string | boolean | undefined> = {}
  const positionals: string[] = []

  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!
    if (word === '--') {
      positionals.push(...argv.slice(i + 1))
      break
    }
    if (!word.startsWith('-') || word === '-') {
      positionals.push(word)
      continue
    }
    let spec: FlagSpec | undefined
    let inline: string | undefined
    if (word.startsWith('--')) {
      const eq = word.indexOf('=')
      spec = byLong.get(eq === -1 ? word.slice(2) : word.slice(2, eq))
      if (eq !== -1) inline = word.slice(eq + 1)
    } else {
      spec = byShort.get(word[1]!)
      if (word.length > 2) inline = word.slice(2)
    }
    if (!spec) throw new UsageError(unknownOption(word.split('=')[0]!, specs))
    if (spec.type === 'boolean') {
      if (inline !== undefined) throw new UsageError(`option --${spec.name} takes no value`)
      flags[spec.name] = true
      continue
    }
    if (inline === undefined) {
      const next = argv[i + 1]
      if (next === undefined || (next.startsWith('-') && next !== '-')) {
        throw new UsageError(`option --${spec.name} needs a value (${spec.valueName ?? 'VALUE'})`)
      }
      inline = next
      i++
    }
    flags[spec.name] = inline
  }

  const max = options.maxPositionals ?? 0
  if (positionals.length > max) throw new UsageError(`unexpected argument "${positionals[max]}"`)
  return { flags, positionals }
}

/** `unknown option --confg (did you mean --config?)`: long names are compared without dashes. */
function unknownOption (word: string, specs: readonly FlagSpec[]): string {
  const near = word.startsWith('--') ? closest(word.slice(2), specs.map((s) => s.name)) : undefined
  return `unknown option ${word}${near === undefined ? '' : ` (did you mean --${near}?)`}`
}

/** Renders the option list for `--help`, aligned. */
export function formatFlags (specs: readonly FlagSpec[]): string {
  const left = specs.map((s) => {
    const names = s.short ? `-${s.short}, --${s.name}` : `    --${s.name}`
    return s.type === 'string' ? `${names} ${s.valueName ?? 'VALUE'}` : names
  })
  const width = Math.max(0, ...left.map((l) => l.length)) + 2
  return specs.map((s, i) => `  ${left[i]!.padEnd(width)}${s.description}`).join('\n')
}
