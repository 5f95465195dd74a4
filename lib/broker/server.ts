import * as http from 'node:http';
import * as https from 'node:https';
import type { Duplex } from 'node:stream';
import { cleanPath } from './http';

/** One listening HTTP(S) server. */
export interface Listener {
  readonly server: http.Server;
  readonly port: number;
  readonly secure: boolean;
  /** Stops listening and drops idle keep-alive sockets. */
  close(): Promise<void>;
}

export type UpgradeListener = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void;

/** Starts an HTTP (or, with `tls`, HTTPS) server. */
export function listen(options: {
  port: number;
  host: string;
  tls?: { key: string | Buffer; cert: string | Buffer };
  onRequest: http.RequestListener;
  onUpgrade?: UpgradeListener;
  /** Most TCP connections at once (websockets included); further ones are closed at once. */
  maxSockets?: number;
}): Promise<Listener> {
  const server: http.Server = options.tls
    ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, options.onRequest)
    : http.createServer(options.onRequest);
  if (options.maxSockets !== undefined) server.maxConnections = options.maxSockets;
  // A client that sends its request slowly holds a connection and up to maxBodyBytes: not for long.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  // a client that sends garbage instead of HTTP must not take the broker down
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  if (options.onUpgrade) server.on('upgrade', options.onUpgrade);
  else server.on('upgrade', (_req, socket: Duplex) => refuseUpgrade(socket, 404, 'Not Found'));
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => reject(e);
    server.once('error', onError);
    server.listen(options.port, options.host, () => {
      server.off('error', onError);
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : options.port;
      resolve({
        server,
        port,
        secure: options.tls !== undefined,
        close: () =>
          new Promise<void>((done) => {
            // the handle is released in libuv's close phase, after the callback; resolve after it
            // so that close() really leaves no listening socket behind
            server.close(() => setTimeout(done, 0));
            server.closeAllConnections();
          }),
      });
    });
  });
}

/** Which framing a websocket upgrade path asks for, or undefined when it is no MSB path. */
export function websocketFraming(url: string | undefined): 'sockjs' | 'raw' | undefined {
  const path = cleanPath(url);
  if (/^\/websocket\/data\/\d{1,3}\/[^/.]+\/websocket\/?$/.test(path)) return 'sockjs';
  if (/^\/websocket\/data\/websocket\/?$/.test(path)) return 'raw';
  return undefined;
}

/** Answers an upgrade request with a plain HTTP error and closes the socket. */
export function refuseUpgrade(socket: Duplex, status: number, message: string): void {
  socket.on('error', () => undefined);
  if (socket.writable) {
    const body = JSON.stringify({ error: message });
    socket.end(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  } else socket.destroy();
}
