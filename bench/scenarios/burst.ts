import type { MsbApp, MsbEvent } from '../../lib';
import { BareClient, eventFrame } from '../bare-client';
import { nowMs } from '../common';
import type { Handlers } from '../rpc';
import { quietLogger } from '../quiet-logger';

/**
 * A burst as application code writes one: `count` emits, awaited with `Promise.all` per
 * `chunk`, then `flush()`. Default options throughout: nothing raised by hand. The bare
 * client sends a pre-encoded frame per event in the same chunks, waiting for the socket to drain.
 */
export interface BurstSetup {
  client: 'ours' | 'bare';
  kind: 'string' | 'dto';
  validate: boolean;
  url: string;
  selfDescriptionJson: string;
}

export interface BurstResult {
  /** From the first emit to the last one resolving (ours: to flush() resolving). */
  ms: number;
  dropped: number;
  accepted: number;
}

let ours: MsbApp<any> | undefined;
let bare: BareClient | undefined;
let setup: BurstSetup;

export const handlers: Handlers = {
  setup: async (s: BurstSetup) => {
    setup = s;
    if (s.client === 'ours') {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { bootstrap } = require('../../lib') as typeof import('../../lib');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { BenchService } = require('../services') as typeof import('../services');
      ours = await bootstrap(BenchService, { url: s.url, validate: s.validate, logger: quietLogger });
    } else {
      bare = await BareClient.connect(s.url, s.selfDescriptionJson);
    }
    return true;
  },
  run: async (args: { count: number; chunk: number }): Promise<BurstResult> => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { EVENT_OF, STRING_VALUE, measurement } = require('../services') as typeof import('../services');
    const value = setup.kind === 'string' ? () => STRING_VALUE : measurement;
    const t0 = nowMs();
    if (ours) {
      const event = ours.instance[EVENT_OF[setup.kind]] as MsbEvent<unknown>;
      const before = ours.counters();
      for (let start = 0; start < args.count; start += args.chunk) {
        const batch: Array<Promise<void>> = [];
        for (let i = start; i < Math.min(args.count, start + args.chunk); i++) batch.push(event.emit(value(i)));
        await Promise.all(batch);
      }
      await ours.flush();
      const after = ours.counters();
      return { ms: nowMs() - t0, dropped: after.dropped - before.dropped, accepted: after.accepted - before.accepted };
    }
    const sd = JSON.parse(setup.selfDescriptionJson) as { uuid: string };
    const frame = Buffer.from(eventFrame(sd.uuid, EVENT_OF[setup.kind], setup.kind === 'string' ? STRING_VALUE : measurement(12345)));
    for (let start = 0; start < args.count; start += args.chunk) {
      for (let i = start; i < Math.min(args.count, start + args.chunk); i++) bare!.send(frame);
      await bare!.drained();
    }
    return { ms: nowMs() - t0, dropped: 0, accepted: args.count };
  },
  close: async () => {
    await ours?.close();
    await bare?.close();
    return true;
  },
};
