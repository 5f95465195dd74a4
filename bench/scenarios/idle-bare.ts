import { BareClient } from '../bare-client';
import { settledRss } from '../common';
import type { Handlers } from '../rpc';

/** Idle memory of a bare ws client, connected and registered like a service. Loads nothing of the project. */
let bare: BareClient | undefined;

export const handlers: Handlers = {
  measure: async ({ url, selfDescriptionJson, settleMs }: { url: string; selfDescriptionJson: string; settleMs: number }) => {
    bare = await BareClient.connect(url, selfDescriptionJson);
    return settledRss(settleMs);
  },
  close: async () => {
    await bare?.close();
    return true;
  },
};
