import { expect } from 'chai';
import type WebSocket from 'ws';
import { corkUntilNextTick } from '../../lib/util/cork';

/** A socket that records cork() and uncork() calls, inside the object shape ws has. */
function fakeWs(): { ws: WebSocket; calls: string[] } {
  const calls: string[] = [];
  const socket = { cork: () => calls.push('cork'), uncork: () => calls.push('uncork') };
  return { ws: { _socket: socket } as unknown as WebSocket, calls };
}

const nextTick = (): Promise<void> => new Promise((resolve) => process.nextTick(resolve));

describe('util/cork', () => {
  it('corks a socket once per tick however many times it is asked, and uncorks it at the end of the tick', async () => {
    const { ws, calls } = fakeWs();
    corkUntilNextTick(ws);
    corkUntilNextTick(ws);
    corkUntilNextTick(ws);
    expect(calls).to.deep.equal(['cork']);
    await nextTick();
    expect(calls).to.deep.equal(['cork', 'uncork']);
    corkUntilNextTick(ws);
    await nextTick();
    expect(calls, 'the next tick corks again').to.deep.equal(['cork', 'uncork', 'cork', 'uncork']);
  });

  it('corks each socket on its own', async () => {
    const a = fakeWs();
    const b = fakeWs();
    corkUntilNextTick(a.ws);
    corkUntilNextTick(b.ws);
    expect([a.calls, b.calls]).to.deep.equal([['cork'], ['cork']]);
    await nextTick();
    expect([a.calls, b.calls]).to.deep.equal([['cork', 'uncork'], ['cork', 'uncork']]);
  });

  it('does nothing for a websocket without a socket', () => {
    expect(() => corkUntilNextTick({} as WebSocket)).to.not.throw();
  });
});
