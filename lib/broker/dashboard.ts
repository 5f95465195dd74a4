import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { cleanPath, sendJson } from './http';
import { DashboardFilesError } from './errors';

/**
 * Where the page's files are: `lib/dashboard` of the package. They are plain browser files that
 * tsc does not copy, so they are read from the source folder, which `files` in package.json ships;
 * from `dist/lib/broker` that is three folders up.
 */
export const DASHBOARD_DIR = join(__dirname, '..', '..', '..', 'lib', 'dashboard');

const ASSETS: ReadonlyArray<[path: string, file: string, type: string]> = [
  ['/', 'index.html', 'text/html; charset=utf-8'],
  ['/dashboard/app.js', 'app.js', 'text/javascript; charset=utf-8'],
  ['/dashboard/style.css', 'style.css', 'text/css; charset=utf-8'],
];

/**
 * The page may load its own files and talk to this broker only: no inline script, no CDN, no
 * framing by another site. Data shown on the page comes from services and is never HTML.
 */
const HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

/**
 * Serves the dashboard's files, read once. They hold no data (that comes from the REST API and
 * the event stream, behind the admin secret), so they are served without it: the page asks for
 * the secret and sends it as a Bearer header, never in a URL.
 */
export class Dashboard {
  private readonly files = new Map<string, { body: Buffer; type: string }>();

  /** @throws {DashboardFilesError} when a file of the page cannot be read */
  constructor(dir: string = DASHBOARD_DIR) {
    for (const [path, file, type] of ASSETS) {
      let body: Buffer;
      try {
        body = readFileSync(join(dir, file));
      } catch (e) {
        throw new DashboardFilesError(
          `the dashboard's file ${join(dir, file)} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): the package is incomplete; reinstall it, or start the broker with dashboard: false`,
        );
      }
      this.files.set(path, { body, type });
    }
  }

  /** Answers the request when it is for one of the page's files; false otherwise. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const asset = this.files.get(cleanPath(req.url));
    if (!asset) return false;
    req.resume();
    const method = (req.method ?? 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') {
      sendJson(res, 405, { error: `${method} is not allowed on ${cleanPath(req.url)}` });
      return true;
    }
    res.writeHead(200, { ...HEADERS, 'content-type': asset.type, 'content-length': asset.body.length });
    res.end(method === 'HEAD' ? undefined : asset.body);
    return true;
  }
}
