import { Parser, DiagnosticSeverity } from '@asyncapi/parser';
import type { AsyncAPIDocumentInterface, Diagnostic } from '@asyncapi/parser';

// One parser for every test, and one parse for each distinct text: a parse costs about half a
// second of CPU, however small the document.
let parser: Parser | undefined;
const parses = new Map<string, ReturnType<Parser['parse']>>();

function describeDiagnostic(d: Diagnostic): string {
  return `${d.code} at /${d.path.join('/')}: ${d.message}`;
}

/**
 * Parses a document (an object, JSON text or YAML text) with the official AsyncAPI parser and
 * fails, listing every error, unless it has none. Warnings and hints are allowed.
 */
export async function parseStrict(input: object | string, label: string): Promise<AsyncAPIDocumentInterface> {
  parser ??= new Parser();
  const text = typeof input === 'string' ? input : JSON.stringify(input);
  let parse = parses.get(text);
  if (!parse) {
    parse = parser.parse(text);
    parses.set(text, parse);
  }
  const { document, diagnostics } = await parse;
  const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
  if (errors.length > 0 || !document) {
    throw new Error(`${label}: the AsyncAPI parser found ${errors.length} error(s):\n${errors.map(describeDiagnostic).join('\n')}\n--- document ---\n${text.slice(0, 4000)}`);
  }
  return document;
}
