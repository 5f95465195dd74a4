/*
 * A gateway's delivery counts per service. Its services share one connection and one outbox, so
 * these are kept beside the outbox's own counts, and only on a gateway connection: a plain service
 * pays nothing for them.
 */
import type { Outbox, OutboxCounters, OutgoingEvent } from './outbox';

/** The delivery counters of one service of a gateway connection. */
export type ServiceCounters = Pick<OutboxCounters, 'accepted' | 'acknowledged' | 'refused' | 'dropped' | 'queued' | 'inFlight'>;

/** What happened to an event, as a service's counters count it. */
export type Outcome = 'accepted' | 'acknowledged' | 'refused' | 'dropped';

type Tally = Pick<ServiceCounters, Outcome>;

/** `E {"uuid":"…` : the uuid of an encoded event (uuids need no JSON escaping). */
function uuidOf(message: string): string {
  return message.slice(11, message.indexOf('"', 11));
}

export class PerServiceCounts {
  private readonly tallies = new Map<string, Tally>();

  count(event: OutgoingEvent, outcome: Outcome): void {
    const uuid = uuidOf(event.message);
    let t = this.tallies.get(uuid);
    if (!t) this.tallies.set(uuid, (t = { accepted: 0, acknowledged: 0, refused: 0, dropped: 0 }));
    t[outcome]++;
  }

  /** The counters of one service; its waiting and in-flight counts are found by a scan of the outbox. */
  of(uuid: string, outbox: Outbox): ServiceCounters {
    const t = this.tallies.get(uuid) ?? { accepted: 0, acknowledged: 0, refused: 0, dropped: 0 };
    let queued = 0;
    let inFlight = 0;
    const live = outbox.live();
    const sent = new Set(outbox.inFlightEvents());
    for (const e of live) {
      if (uuidOf(e.message) !== uuid) continue;
      if (sent.has(e)) inFlight++;
      else queued++;
    }
    return { ...t, queued, inFlight };
  }
}
