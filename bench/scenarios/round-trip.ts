import type { MsbApp } from '../../lib';
import { bootstrap } from '../../lib';
import { BareClient } from '../bare-client';
import { BenchService } from '../services';
import { quietLogger } from '../quiet-logger';
import type { Handlers } from '../rpc';

/**
 * The service side of the function-call round trip; the broker process sends the calls and
 * times them. Ours: the decorated `echo` method answers with `ECHOED`. Bare: string matching.
 */
let ours: MsbApp<BenchService> | undefined;
let bare: BareClient | undefined;

export const handlers: Handlers = {
  setup: async ({ client, url, selfDescriptionJson }: { client: 'ours' | 'bare'; url: string; selfDescriptionJson: string }) => {
    if (client === 'ours') {
      ours = await bootstrap(BenchService, { url, logger: quietLogger });
      return { uuid: ours.uuid };
    }
    const sd = JSON.parse(selfDescriptionJson) as { uuid: string };
    bare = await BareClient.connect(url, selfDescriptionJson);
    bare.answerCalls(sd.uuid, 'ECHOED', JSON.stringify('hello'));
    return { uuid: sd.uuid };
  },
  close: async () => {
    await ours?.close();
    await bare?.close();
    return true;
  },
};
