/** What the scheduler needs of a connection with a backlog. */
export interface Schedulable {
  /** Handles queued messages within this turn's budget; true while some remain. */
  runTurn(): boolean;
}

/**
 * Round-robin over the connections that have messages waiting. Each connection may handle a
 * budget of messages per turn (inline as they arrive, or from its backlog here); one turn runs
 * per event-loop iteration, and sockets are read between turns. So a connection that floods
 * delays another one's message by at most one turn's budget per flooding connection, however
 * many messages it has sent, instead of by everything it sent before.
 */
export class FairScheduler {
  /** Increases once per event-loop iteration in which messages were handled. */
  turn = 0;
  /** Characters of messages queued over all connections (kept by the connections). */
  queuedChars = 0;
  private readonly ready = new Set<Schedulable>();
  private armed = false;

  constructor(
    /** Messages per connection and turn. */
    readonly budgetMessages = 64,
    /** Characters of messages per connection and turn; at least one message is handled. */
    readonly budgetChars = 256 * 1024,
  ) {}

  /** Moves to a new turn at the next iteration (after sockets were read). */
  arm(): void {
    if (this.armed) return;
    this.armed = true;
    setImmediate(this.run);
  }

  /** `c` has a backlog: give it turns until it has none. */
  wake(c: Schedulable): void {
    this.ready.add(c);
    this.arm();
  }

  forget(c: Schedulable): void {
    this.ready.delete(c);
  }

  private readonly run = (): void => {
    this.armed = false;
    this.turn++;
    for (const c of [...this.ready]) {
      if (!c.runTurn()) this.ready.delete(c);
    }
    if (this.ready.size > 0) this.arm();
  };
}
