import type { MsbApp } from '../../lib';
import { bootstrap } from '../../lib';
import { BenchService } from '../services';
import { settledRss } from '../common';
import { quietLogger } from '../quiet-logger';
import type { Handlers } from '../rpc';

/** Idle memory of one registered service (string and DTO events, one function). */
let app: MsbApp<BenchService> | undefined;

export const handlers: Handlers = {
  measure: async ({ url, settleMs }: { url: string; settleMs: number }) => {
    app = await bootstrap(BenchService, { url, logger: quietLogger });
    return settledRss(settleMs);
  },
  close: async () => {
    await app?.close();
    return true;
  },
};
