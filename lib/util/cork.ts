import type { Socket } from 'node:net';
import type WebSocket from 'ws';

const corked = new WeakSet<Socket>();

/**
 * Holds a websocket's writes until the end of the current tick, so that frames sent in one
 * burst leave in one `writev` system call instead of one each (the syscall was half the CPU
 * of a busy connection). The frames and their order are unchanged. ws does not expose its
 * socket publicly; without one this does nothing.
 */
export function corkUntilNextTick(ws: WebSocket): void {
  const socket = (ws as unknown as { _socket?: Socket })._socket;
  if (!socket || corked.has(socket)) return;
  corked.add(socket);
  socket.cork();
  process.nextTick(() => {
    corked.delete(socket);
    socket.uncork();
  });
}
