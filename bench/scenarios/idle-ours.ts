import type { MsbApp } from '../../lib';
import { bootstrap } from '../../lib';
import { settledRss } from '../common';
import { quietLogger } from '../quiet-logger';
import type { Handlers } from '../rpc';

/**
 * Idle memory of one registered service: `dto` (string and DTO events, one function; loads
 * class-validator through its DTOs) or `simple` (simple types only). The service module is
 * loaded on demand so that the other one's imports do not count.
 */
let app: MsbApp | undefined;

export const handlers: Handlers = {
  measure: async ({ url, settleMs, kind }: { url: string; settleMs: number; kind: 'dto' | 'simple' }) => {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const service: new () => object = kind === 'simple'
      ? (require('../simple-service') as typeof import('../simple-service')).SimpleService
      : (require('../services') as typeof import('../services')).BenchService;
    /* eslint-enable @typescript-eslint/no-require-imports */
    app = await bootstrap(service, { url, logger: quietLogger });
    return settledRss(settleMs);
  },
  close: async () => {
    await app?.close();
    return true;
  },
};
