import { expect } from 'chai';
import { FairScheduler } from '../../lib/broker/scheduler';
import type { Schedulable } from '../../lib/broker/scheduler';

/**
 * A connection with `turns` turns of backlog. Each turn is recorded as `name@turn`; `done`
 * resolves when it ran its last one.
 */
function backlog(scheduler: FairScheduler, name: string, turns: number, log: string[]): Schedulable & { done: Promise<void>; ran: number } {
  let finish!: () => void;
  const c = {
    ran: 0,
    done: new Promise<void>((resolve) => (finish = resolve)),
    runTurn(): boolean {
      c.ran++;
      log.push(`${name}@${scheduler.turn}`);
      if (c.ran < turns) return true;
      finish();
      return false;
    },
  };
  return c;
}

describe('broker/scheduler', () => {
  it('gives every connection with a backlog one turn per iteration, round-robin, until its backlog is gone', async () => {
    const s = new FairScheduler();
    const log: string[] = [];
    const a = backlog(s, 'a', 3, log);
    const b = backlog(s, 'b', 1, log);
    const c = backlog(s, 'c', 2, log);
    s.wake(a);
    s.wake(b);
    s.wake(c);
    expect(log, 'nothing runs before the next iteration').to.deep.equal([]);
    await Promise.all([a.done, b.done, c.done]);
    expect(log).to.deep.equal(['a@1', 'b@1', 'c@1', 'a@2', 'c@2', 'a@3']);
    expect(s.turn).to.equal(3);
  });

  it('runs one turn per iteration however often it is woken or armed in between', async () => {
    const s = new FairScheduler();
    const log: string[] = [];
    const a = backlog(s, 'a', 1, log);
    s.arm();
    s.wake(a);
    s.wake(a);
    s.arm();
    await a.done;
    expect(log).to.deep.equal(['a@1']);
    expect([s.turn, a.ran]).to.deep.equal([1, 1]);
  });

  it('an armed turn with nothing ready still counts, and does not arm another', async () => {
    const s = new FairScheduler();
    s.arm();
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(s.turn).to.equal(1);
    // had the empty turn armed another, this iteration would have run it
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(s.turn).to.equal(1);
  });

  it('a forgotten connection gets no further turn', async () => {
    const s = new FairScheduler();
    const log: string[] = [];
    const gone = backlog(s, 'gone', 10, log);
    const stays = backlog(s, 'stays', 2, log);
    s.wake(gone);
    s.wake(stays);
    s.forget(gone);
    await stays.done;
    expect(log).to.deep.equal(['stays@1', 'stays@2']);
    expect(gone.ran).to.equal(0);
  });

  it('has the documented default budgets and keeps given ones', () => {
    const defaults = new FairScheduler();
    expect([defaults.budgetMessages, defaults.budgetChars, defaults.queuedChars]).to.deep.equal([64, 256 * 1024, 0]);
    const given = new FairScheduler(2, 100);
    expect([given.budgetMessages, given.budgetChars]).to.deep.equal([2, 100]);
  });
});
