// The `${VAR}` pitfall: in a flow collection (`{ url: ${URL} }`, `[${A}]`) the `{` of an unquoted
// reference opens a nested mapping, and the parser then reports a cascade of errors (19 for one
// line is typical) none of which mentions the real cause. In block style (`url: ${URL}`) the same
// text is a plain scalar and fine. This scanner finds unquoted references inside flow collections,
// so the loader can say "quote it" once instead.
//
// It is a lexer's approximation, not a YAML parser: it tracks quotes, comments and flow depth,
// which is all the question needs, and it only runs once the real parser has already failed.

export interface FlowReference {
  /** Offset of the `$` in the text. */
  readonly offset: number
  /** The reference as written, e.g. `${HOST}`. */
  readonly text: string
}

const REFERENCE = /\$\{[^}\s]*\}?/y
/** Characters after which a quote or a `{`/`[` starts a node rather than sitting inside a plain scalar. */
const NODE_START = new Set([undefined, ':', '-', ',', '[', '{', '?'])

function previousSignificant (text: string, i: number): string | undefined {
  for (let j = i - 1; j >= 0; j--) {
    const c = text[j]!
    if (c === '\n') return undefined
    if (c !== ' ' && c !== '\t') return c
  }
  return undefined
}

function skipQuoted (text: string, i: number): number {
  const quote = text[i]
  for (let j = i + 1; j < text.length; j++) {
    if (quote === '"' && text[j] === '\\') j++
    else if (text[j] === quote) {
      if (quote === "'" && text[j + 1] === "'") j++
      else return j
    }
  }
  return text.length
}

/** Unquoted `${...}` references that sit inside a flow collection, in text order. */
export function unquotedFlowReferences (text: string): FlowReference[] {
  const found: FlowReference[] = []
  let depth = 0
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      const eol = text.indexOf('\n', i)
      i = eol === -1 ? text.length : eol - 1
    } else if ((c === '"' || c === "'") && (depth > 0 || NODE_START.has(previousSignificant(text, i)))) {
      i = skipQuoted(text, i)
    } else if (c === '$' && text[i + 1] === '{') {
      REFERENCE.lastIndex = i
      const ref = REFERENCE.exec(text)![0]
      if (depth > 0) found.push({ offset: i, text: ref })
      i += ref.length - 1
    } else if ((c === '{' || c === '[') && (depth > 0 || NODE_START.has(previousSignificant(text, i)))) {
      depth++
    } else if ((c === '}' || c === ']') && depth > 0) {
      depth--
    }
  }
  return found
}

export function flowReferenceMessage (ref: FlowReference): string {
  return `${ref.text} inside { } or [ ] must be quoted: write "${ref.text}" ` +
    '(unquoted, its "{" opens a nested mapping and the rest of the file stops parsing)'
}
