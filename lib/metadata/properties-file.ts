import { readFileSync } from 'node:fs';

/**
 * Parses Java-style `.properties` text: `key=value`, `key: value` or `key value`, `#` and `!`
 * comments, backslash line continuations and escapes. Unlike the official Python and Node
 * clients, a value may contain `=`.
 */
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i].replace(/^\s+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    // An odd number of trailing backslashes continues the line; at the end of the file, onto nothing.
    while (/(^|[^\\])(\\\\)*\\$/.test(line)) {
      line = line.slice(0, -1) + (i + 1 < lines.length ? lines[++i].replace(/^\s+/, '') : '');
    }
    const match = /^((?:\\.|[^=:\s\\])*)\s*[=:\s]?\s*(.*)$/.exec(line);
    if (!match) continue;
    out.set(unescape(match[1]), unescape(match[2].replace(/\s+$/, '')));
  }
  return out;
}

function unescape(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_m, c: string) => {
    if (c.length === 5) return String.fromCharCode(parseInt(c.slice(1), 16));
    return ({ t: '\t', n: '\n', r: '\r', f: '\f' } as Record<string, string>)[c] ?? c;
  });
}

/** Reads and parses a properties file; undefined when it does not exist. */
export function readPropertiesFile(path: string): Map<string, string> | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  return parseProperties(text);
}
