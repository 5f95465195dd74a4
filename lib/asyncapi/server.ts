// The document's `servers` entry: where the MSB websocket interface is, read from the url a client
// is given, with nothing of the url that could carry a secret (userinfo, query, fragment).
import { MsbAsyncApiError } from './errors';
import type { AsyncApiServer } from './types';

/** The `servers.msb` entry for a url as a client is given it; throws MsbAsyncApiError for a malformed url. */
export function serverOf(server: string | AsyncApiServer): Record<string, unknown> {
  const s = typeof server === 'string' ? { url: server } : server;
  let url: URL;
  try {
    url = new URL(s.url);
  } catch {
    throw new MsbAsyncApiError(`server url ${JSON.stringify(s.url)} is not a url (expected e.g. ws://localhost:8085)`);
  }
  const scheme = url.protocol.replace(/:$/, '');
  const protocol = s.protocol ?? ({ http: 'ws', https: 'wss' } as Record<string, string>)[scheme] ?? scheme;
  // Clients append /websocket/data/… to the url they are given; userinfo, query and fragment stay out.
  const base = url.pathname.replace(/\/+$/, '');
  const pathname = base.endsWith('/websocket/data') ? base : `${base}/websocket/data`;
  return {
    host: url.host,
    protocol,
    pathname,
    description:
      s.description ??
      `The MSB websocket interface. SockJS clients connect to ${pathname}/{serverId}/{sessionId}/websocket, raw clients to ${pathname}/websocket.`,
  };
}
