import { expect } from 'chai';
import type { Priority } from '../../lib';
import { priorityNumber } from '../../lib/metadata/priority';

describe('metadata/priority', () => {
  it('maps the names and the numbers to the wire numbers, anything else to undefined', () => {
    const cases: Array<[unknown, 0 | 1 | 2 | undefined]> = [
      ['LOW', 0], [0, 0], ['MEDIUM', 1], [1, 1], ['HIGH', 2], [2, 2],
      [undefined, undefined], ['low', undefined], [3, undefined], ['1', undefined], [null, undefined],
    ];
    for (const [p, n] of cases) expect(priorityNumber(p as Priority), String(p)).to.equal(n);
  });
});
