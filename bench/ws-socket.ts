import WebSocket from 'ws';

/** Resolves once what was written to `ws` has left the userland buffer (at once, next turn, if nothing waits). */
export function socketDrained(ws: WebSocket): Promise<void> {
  const socket = (ws as unknown as { _socket?: NodeJS.EventEmitter & { writableNeedDrain?: boolean } })._socket;
  if (!socket?.writableNeedDrain) return new Promise((r) => setImmediate(r));
  return new Promise((resolve) => socket.once('drain', () => resolve()));
}

/** Closes `ws`, terminating it when the peer does not answer the close handshake within a second. */
export function closeSocket(ws: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) return resolve();
    ws.once('close', () => resolve());
    ws.close();
    setTimeout(() => ws.terminate(), 1000).unref();
  });
}
