import { expect } from 'chai';
import fc from 'fast-check';
import { Deque } from '../../lib/util/deque';

describe('util/deque', () => {
  it('is a FIFO with unshift at the front, across growth and wrap-around', () => {
    const d = new Deque<number>(4);
    for (let i = 0; i < 3; i++) d.push(i);
    expect(d.shift()).to.equal(0);
    for (let i = 3; i < 10; i++) d.push(i); // wraps, then grows
    d.unshift(-1);
    expect(d.length).to.equal(10);
    expect(d.peek()).to.equal(-1);
    const all = [-1, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    expect(d.toArray()).to.deep.equal(all);
    expect(d.drain()).to.deep.equal(all);
    expect(d.length).to.equal(0);
    expect(d.shift()).to.equal(undefined);
    expect(d.peek()).to.equal(undefined);
  });

  it('behaves like an array for any sequence of operations (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant<['shift']>(['shift']), fc.tuple(fc.constantFrom('push' as const, 'unshift' as const), fc.integer()))), (ops) => {
        const d = new Deque<number>(4);
        const model: number[] = [];
        for (const op of ops) {
          if (op[0] === 'shift') expect(d.shift()).to.equal(model.shift());
          else if (op[0] === 'push') { d.push(op[1]); model.push(op[1]); } else { d.unshift(op[1]); model.unshift(op[1]); }
          expect(d.length).to.equal(model.length);
          expect(d.peek()).to.equal(model[0]);
        }
        expect(d.toArray()).to.deep.equal(model);
      }),
    );
  });
});
