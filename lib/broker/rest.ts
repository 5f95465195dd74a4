import type { IncomingMessage, ServerResponse } from 'node:http';
import { sameSecret } from './tokens';
import { HttpError, cleanPath, parseJsonBody, readBody, sendJson, sendJsonText } from './http';
import { PROMETHEUS_CONTENT_TYPE } from '../util/prometheus';
import { restRoutes } from './rest-routes';
import type { RestBackend, RestScope, Route } from './rest-routes';

/*
 * How a REST request is served on one port: the admin secret, the metrics and event-stream paths,
 * finding the route (404 and 405), reading a bounded body, and answers bounded in total so slow
 * readers of large listings cannot make the broker hold many copies. The routes are rest-routes.ts.
 */

/** Answers up to this size are always sent: the budget is for listings, not for errors. */
const SMALL_RESPONSE = 64 * 1024;

/**
 * Sends an answer unless the answers still being sent to slow clients would then exceed the
 * budget (503 with Retry-After): otherwise every client asking for the service list at once,
 * and reading it slowly, would hold its own copy of the whole registry.
 */
function sendBounded(budget: RestBackend['responses'], res: ServerResponse, status: number, json: unknown): void {
  const text = JSON.stringify(json);
  if (text.length > SMALL_RESPONSE) {
    if (budget.inFlight + text.length > budget.max) {
      budget.refused++;
      res.setHeader('retry-after', '1');
      sendJson(res, 503, { error: `the broker is already sending ${budget.inFlight} bytes of answers; this one (${text.length}) must wait: retry` });
      return;
    }
    budget.inFlight += text.length;
    res.once('close', () => {
      budget.inFlight -= text.length;
    });
  }
  sendJsonText(res, status, text);
}

const HEALTH = /^\/(?:actuator\/)?(?:health|info)\/?$/;

/** Whether an Authorization header carries `secret`, as a Bearer token or as the Basic password. */
function authorized(header: string | undefined, secret: string): boolean {
  if (typeof header !== 'string') return false;
  const m = /^\s*(Bearer|Basic)\s+(\S+)\s*$/i.exec(header);
  if (!m) return false;
  if (m[1].toLowerCase() === 'bearer') return sameSecret(m[2], secret);
  const decoded = Buffer.from(m[2], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 && sameSecret(decoded.slice(colon + 1), secret);
}

/**
 * A node `request` listener serving the routes of `scope`. JSON in and out; HTTP Basic auth is
 * accepted and ignored unless `adminSecret` is set (then 401 without it); bad JSON → 400, too large → 413, unknown path → 404, wrong method → 405.
 */
export function restHandler(b: RestBackend, scope: RestScope): (req: IncomingMessage, res: ServerResponse) => void {
  const routes = restRoutes(b).filter((r) => r.scopes.includes(scope));
  return (req, res) => {
    const path = cleanPath(req.url);
    const method = (req.method ?? 'GET').toUpperCase();
    if (b.adminSecret !== undefined && !HEALTH.test(path) && !authorized(req.headers.authorization, b.adminSecret)) {
      req.resume();
      res.setHeader('www-authenticate', 'Bearer realm="msb-broker", Basic realm="msb-broker"');
      sendJson(res, 401, { error: 'this broker needs its admin secret: Authorization: Bearer <secret> (or as the HTTP Basic password)' });
      return;
    }
    if (path === '/metrics' || path === '/metrics/') {
      req.resume();
      if (method !== 'GET') sendJson(res, 405, { error: `${method} is not allowed on ${path}` });
      else res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE }).end(b.metricsText());
      return;
    }
    if (path === '/events' || path === '/events/') {
      req.resume();
      if (method !== 'GET') sendJson(res, 405, { error: `${method} is not allowed on ${path}` });
      else if (scope !== 'all' && scope !== 'smartObjects') sendJson(res, 404, { error: `no such path: ${path}` });
      else b.events.open(req, res);
      return;
    }
    let pathMatched = false;
    let found: { route: Route; m: RegExpExecArray } | undefined;
    for (const route of routes) {
      const m = route.pattern.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (route.method === method) {
        found = { route, m };
        break;
      }
    }
    if (!found) {
      req.resume();
      sendJson(res, pathMatched ? 405 : 404, { error: pathMatched ? `${method} is not allowed on ${path}` : `no such path: ${path}` });
      return;
    }
    const body = async (): Promise<unknown> => parseJsonBody(await readBody(req, b.maxBodyBytes));
    Promise.resolve()
      .then(() => found.route.handler(found.m, body))
      .then(([status, json]) => sendBounded(b.responses, res, status, json))
      .catch((e: unknown) => {
        if (res.headersSent) return;
        if (e instanceof HttpError) {
          if (e.status === 413) res.setHeader('connection', 'close');
          sendJson(res, e.status, { error: e.message });
        } else sendJson(res, 500, { error: `internal error: ${(e as Error)?.message ?? String(e)}` });
      });
  };
}
