import { connectOfficial, silenceConsole } from '../official-client';
import type { Official } from '../official-client';
import { settledRss } from '../common';
import type { Handlers } from '../rpc';

/**
 * Idle memory of the official MSB Node.js client (ws, lodash, ajv 5, uuid), connected and
 * registered with BenchService's self-description. Loads nothing of the project.
 */
let official: Official | undefined;

export const handlers: Handlers = {
  measure: async ({ url, selfDescriptionJson, settleMs }: { url: string; selfDescriptionJson: string; settleMs: number }) => {
    silenceConsole();
    official = await connectOfficial(url, selfDescriptionJson, { validate: true });
    return settledRss(settleMs);
  },
  close: async () => {
    await official?.close();
    return true;
  },
};
