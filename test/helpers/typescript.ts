// The TypeScript compiler and language service over real files on disk, as an editor or a
// consumer's `tsc --strict` sees them: what a hover shows, what a compile reports.
import ts from 'typescript'
import { readFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

/** A consumer's strict settings (Node ESM). */
export const CONSUMER_OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  types: ['node'],
  // Our own @types/node, wherever the file under test sits (a scratch project has none).
  typeRoots: [fileURLToPath(new URL('../../node_modules/@types', import.meta.url))],
}

/** Errors `tsc` reports for `file`, one `line:col message` each. */
export function compileErrors (file: string, options: ts.CompilerOptions = CONSUMER_OPTIONS): string[] {
  const program = ts.createProgram([file], options)
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n')
    return where ? `${d.file!.fileName}:${where.line + 1}:${where.character + 1} ${text}` : text
  })
}

export interface Hover {
  /** The signature or type line, as the editor shows it first. */
  signature: string
  /** The TSDoc text below it, tags included. */
  documentation: string
}

/** What an editor shows when hovering the first occurrence of `word` after `after` in `file`. */
export function hover (file: string, word: string, after = '', options: ts.CompilerOptions = CONSUMER_OPTIONS): Hover {
  const text = readFileSync(file, 'utf8')
  const start = text.indexOf(after)
  const at = text.indexOf(word, start === -1 ? 0 : start + after.length)
  if (at === -1) throw new Error(`${word} not found in ${file}`)
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => options,
    getScriptFileNames: () => [file],
    getScriptVersion: () => '1',
    getScriptSnapshot: (name) => {
      const content = ts.sys.readFile(name)
      return content === undefined ? undefined : ts.ScriptSnapshot.fromString(content)
    },
    getCurrentDirectory: () => dirname(file),
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: ts.sys.fileExists,
    readFile: ts.sys.readFile,
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
  }
  const service = ts.createLanguageService(host, ts.createDocumentRegistry())
  const info = service.getQuickInfoAtPosition(file, at + 1)
  service.dispose()
  const tags = (info?.tags ?? []).map((t) => `@${t.name} ${ts.displayPartsToString(t.text)}`)
  return {
    signature: ts.displayPartsToString(info?.displayParts),
    documentation: [ts.displayPartsToString(info?.documentation), ...tags].join('\n').trim(),
  }
}

/**
 * A consumer module importing the library from `from` and calling `supplier` (hotels and flights
 * are configured). Write it as .mts: ESM whatever folder it is in.
 */
export function consumerSource (from: string, supplier: string): string {
  return `import { createDispatcher } from '${from}'

const d = createDispatcher({
  suppliers: {
    hotels: { baseUrl: 'http://127.0.0.1:9001', maxConcurrent: 8, rateLimit: { rps: 10 } },
    flights: { baseUrl: 'http://127.0.0.1:9002' },
  },
})
const res = await d.request({ supplier: '${supplier}', path: '/v1/hotels', timeout: '5s' })
console.log(res.status)
await d.close()
`
}
