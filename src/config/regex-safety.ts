// Regexes from the config run on client input (paths, header and query values), and V8's engine
// backtracks: a pattern such as `(a+)+$` takes 2^n steps on `aaaa…!`. So a pattern that can take
// super-linear time is refused when the config loads, with its location (docs/paths.md).
//
// Two analyses, each finding what the other misses:
//   - scslre (the analysis behind eslint-plugin-regexp's no-super-linear-backtracking) finds
//     quantifiers that compete for one repeated character: nested (`(a+)+`), adjacent (`\d+\d+`)
//     and, in an unanchored pattern, a quantifier the engine retries at every start (`\s*$`).
//     Polynomial and exponential cases alike are refused: with every regex limited to
//     MAX_REGEX_INPUT characters
//     (gateway/router/regex-limit.ts), a cubic pattern still costs ~10^10 steps.
//   - It cannot see an alternation whose branches can spell the same text inside a repeat
//     (`(\w|\d)+`, `(a|aa)*`): every such text can be split in two ways per repetition, which is
//     exponential. For each repeated alternation, the languages "branch i, then anything the
//     repeat matches" are intersected pairwise with refa's automata; a non-empty intersection is
//     such a text.

import { RegExpParser, visitRegExpAST } from '@eslint-community/regexpp'
import type { AST } from '@eslint-community/regexpp'
import { isDisjointWith, JS, NFA } from 'refa'
import { analyse } from 'scslre'

/** Bounds the automata built for one alternation; a larger one is refused rather than analysed. */
const MAX_NODES = 20_000

/**
 * Why `source` (a pattern that compiles, used without flags) may backtrack catastrophically, or
 * undefined when it cannot. The reason names the quantifier and the character an attacker repeats.
 */
export function backtrackingProblem (source: string): string | undefined {
  const literal = new RegExpParser().parseLiteral(String(new RegExp(source)))
  const report = analyse(literal, { maxReports: 1 }).reports[0]
  if (report !== undefined) {
    const quant = report.type === 'Trade' ? report.startQuant : report.quant
    const how = report.exponential ? 'exponential' : 'polynomial'
    return `catastrophic backtracking: \`${quant.raw}\` can take ${how} time on a run of ${JSON.stringify(report.character.pick)}`
  }
  const ambiguous = ambiguousRepeat(literal)
  if (ambiguous !== undefined) {
    return `catastrophic backtracking: the branches of \`${ambiguous}\` can match the same text, so it can take exponential time`
  }
  return undefined
}

/** The raw text of the first repeated alternation whose branches overlap (see the header). */
function ambiguousRepeat (literal: AST.RegExpLiteral): string | undefined {
  const parser = JS.Parser.fromAst(literal)
  const nfaOf = (node: AST.Node): NFA => {
    const { expression, maxCharacter } = parser.parseElement(node as JS.ParsableElement, {
      backreferences: 'disable',
      assertions: 'disable',
      maxNodes: MAX_NODES,
    })
    return NFA.fromRegex(expression, { maxCharacter }, { assertions: 'disable', unknowns: 'disable' })
  }
  let found: string | undefined
  visitRegExpAST(literal, {
    onQuantifierEnter (q) {
      const group = q.element
      if (found !== undefined || q.max < 2) return
      if ((group.type !== 'Group' && group.type !== 'CapturingGroup') || group.alternatives.length < 2) return
      try {
        const rest = nfaOf(group)
        rest.quantify(0, Infinity)
        const heads = group.alternatives.map((alt) => {
          const nfa = nfaOf(alt)
          nfa.append(rest)
          return nfa
        })
        for (let i = 0; i < heads.length && found === undefined; i++) {
          for (let j = i + 1; j < heads.length; j++) {
            if (!isDisjointWith(heads[i] as NFA, heads[j] as NFA, MAX_NODES)) {
              found = q.raw
              break
            }
          }
        }
      } catch {
        // Too large to analyse: refuse it rather than let it through unchecked.
        found = q.raw
      }
    },
  })
  return found
}
