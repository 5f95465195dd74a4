import { expect } from 'chai';
import { PassThrough } from 'node:stream';
import type { Duplex } from 'node:stream';
import { refuseUpgrade, websocketFraming } from '../../lib/broker/server';

describe('broker/server', () => {
  it('websocketFraming: the MSB\'s SockJS path, the raw path, and nothing else', () => {
    const cases: Array<[string | undefined, 'sockjs' | 'raw' | undefined]> = [
      ['/websocket/data/123/abcdef/websocket', 'sockjs'],
      ['/websocket/data/0/x/websocket/', 'sockjs'],
      ['//websocket//data/1/x/websocket?t=1', 'sockjs'],
      ['/websocket/data/websocket', 'raw'],
      ['/websocket/data/websocket/', 'raw'],
      ['/websocket/data/1234/x/websocket', undefined],
      ['/websocket/data/1/x.y/websocket', undefined],
      ['/websocket/data/1/x/y/websocket', undefined],
      ['/websocket/data/info', undefined],
      ['/', undefined],
      [undefined, undefined],
    ];
    for (const [url, framing] of cases) expect(websocketFraming(url), String(url)).to.equal(framing);
  });

  it('refuseUpgrade answers with a plain HTTP error naming the reason, and ends the socket', async () => {
    const socket = new PassThrough();
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    const ended = new Promise<void>((resolve) => socket.on('end', resolve));
    refuseUpgrade(socket as unknown as Duplex, 503, 'too many connections (maxConnections)');
    await ended;
    const body = JSON.stringify({ error: 'too many connections (maxConnections)' });
    expect(Buffer.concat(chunks).toString()).to.equal(
      `HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
  });

  it('refuseUpgrade destroys a socket it can no longer write to, and swallows its errors', () => {
    const socket = new PassThrough();
    socket.end();
    expect(socket.writable).to.equal(false);
    refuseUpgrade(socket as unknown as Duplex, 400, 'bad');
    expect(socket.destroyed).to.equal(true);
    expect(() => socket.emit('error', new Error('late'))).to.not.throw();
  });
});
