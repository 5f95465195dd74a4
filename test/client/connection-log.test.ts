import { expect } from 'chai';
import { ConnectionLog, describeReconnect } from '../../lib/client/connection-log';
import type { Logger } from '../../lib/client/logger';

function logger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, debug: (m: string) => { lines.push(`debug ${m}`); }, info: (m: string) => { lines.push(`info ${m}`); }, warn: (m: string) => { lines.push(`warn ${m}`); }, error: (m: string) => { lines.push(`error ${m}`); } };
}

describe('client/connection-log', () => {
  it('warns at each loss and at the first of a run of failed attempts; the rest of the run is debug', () => {
    const l = logger();
    const log = new ConnectionLog({ url: 'ws://msb:8085', reconnect: { initialDelayMs: 100, maxDelayMs: 2000 }, logger: l });
    log.closed({ code: 1006, reason: 'ECONNREFUSED', reconnectInMs: 100 }, false);
    log.closed({ code: 1006, reason: 'ECONNREFUSED', reconnectInMs: 200 }, false);
    log.opened();
    log.closed({ code: 1001, reason: 'going away', reconnectInMs: 100 }, true);
    log.closed({ code: 1006, reason: '', reconnectInMs: 100 }, false);
    expect(l.lines).to.deep.equal([
      'warn Cannot connect to the MSB at ws://msb:8085 (ECONNREFUSED); retrying with a growing delay from 100 ms up to 2000 ms, first in 100 ms',
      'debug Could not connect to the MSB (1006 ECONNREFUSED)',
      'warn Lost the MSB connection (1001 going away); reconnecting in 100 ms',
      'warn Cannot connect to the MSB at ws://msb:8085; retrying with a growing delay from 100 ms up to 2000 ms, first in 100 ms',
    ]);
    expect(log.lastProblem).to.equal('going away'); // an empty reason does not overwrite the last one
  });

  it('makes an error only of a close that no attempt follows, saying why', () => {
    const log = new ConnectionLog({ url: 'ws://msb:8085', reconnect: false, logger: logger() });
    expect(log.finalFailure({ code: 1006, reason: 'x', reconnectInMs: 5 }, true)).to.equal(undefined);
    expect(log.finalFailure({ code: 1006, reason: 'refused', httpStatus: 404 }, false)?.message).to.contain('refused the websocket upgrade with HTTP 404');
    expect(log.finalFailure({ code: 1006, reason: 'ECONNREFUSED' }, false)?.message).to.equal('Cannot connect to the MSB at ws://msb:8085 and reconnecting is off: ECONNREFUSED');
    expect(log.finalFailure({ code: 1000, reason: '' }, true)?.message).to.equal('Lost the connection to the MSB at ws://msb:8085 and reconnecting is off');
    expect(describeReconnect(false)).to.equal('reconnecting is off');
  });
});
