import { expect } from 'chai';
import { consoleLog } from '../../lib/cli/log';

describe('cli/log', () => {
  it('writes one line per message: the time of day, the level padded to five, the message; debug only when verbose', () => {
    for (const verbose of [false, true]) {
      const lines: string[] = [];
      const log = consoleLog(verbose, (l) => lines.push(l));
      log.debug('d');
      log.info('listening');
      log.warn('slow client');
      log.error('failed');
      const expected = [...(verbose ? ['debug d'] : []), 'info  listening', 'warn  slow client', 'error failed'];
      expect(lines.map((l) => l.slice(13)), `verbose: ${verbose}`).to.deep.equal(expected);
      for (const l of lines) expect(l).to.match(/^\d\d:\d\d:\d\d\.\d{3} /);
    }
  });
});
