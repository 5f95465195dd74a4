import type { MsbApp } from '../../lib';
import { bootstrap, selfDescriptionOf } from '../../lib';
import { bigService } from '../generate';
import type { BigServiceShape } from '../generate';
import { nowMs } from '../common';
import { quietLogger } from '../quiet-logger';
import type { Handlers } from '../rpc';

/**
 * Start-up cost of a large service. Each measurement uses freshly generated classes, so no
 * per-class cache from an earlier step makes it look cheaper.
 */
let app: MsbApp<object> | undefined;

export const handlers: Handlers = {
  measure: async ({ url, shape }: { url: string; shape: BigServiceShape }) => {
    const t0 = nowMs();
    const sd = selfDescriptionOf(bigService(shape));
    const t1 = nowMs();
    const sdBytes = Buffer.byteLength(JSON.stringify(sd));
    const Service = bigService(shape) as new () => object;
    const t2 = nowMs();
    app = await bootstrap(Service, { url, logger: quietLogger });
    const t3 = nowMs();
    // The same class again: what caching leaves to do on a re-start in the same process.
    const t4 = nowMs();
    selfDescriptionOf(Service);
    const t5 = nowMs();
    return { selfDescriptionMs: t1 - t0, bootstrapMs: t3 - t2, warmSelfDescriptionMs: t5 - t4, selfDescriptionBytes: sdBytes, events: sd.events.length, functions: sd.functions.length };
  },
  close: async () => {
    await app?.close();
    return true;
  },
};
