import type { MsbApp } from '../../lib';
import { bootstrap } from '../../lib';
import { BareClient } from '../bare-client';
import { BenchService } from '../services';
import { quietLogger } from '../quiet-logger';
import type { Handlers } from '../rpc';
import { connectOfficial, silenceConsole } from '../official-client';
import type { Official } from '../official-client';

/**
 * The service side of the function-call round trip; the broker process sends the calls and
 * times them. Ours: the decorated `echo` method answers with `ECHOED`. Bare: string matching.
 * Official: the official MSB client's `ECHO` function publishes `ECHOED` with the call's
 * correlation id (its console silenced, its default data-format validation on).
 */
let ours: MsbApp<BenchService> | undefined;
let bare: BareClient | undefined;
let official: Official | undefined;

export const handlers: Handlers = {
  setup: async ({ client, url, selfDescriptionJson }: { client: 'ours' | 'bare' | 'official'; url: string; selfDescriptionJson: string }) => {
    if (client === 'ours') {
      ours = await bootstrap(BenchService, { url, logger: quietLogger });
      return { uuid: ours.uuid };
    }
    if (client === 'official') {
      silenceConsole();
      official = await connectOfficial(url, selfDescriptionJson, { validate: true, echo: true });
      return { uuid: official.uuid };
    }
    const sd = JSON.parse(selfDescriptionJson) as { uuid: string };
    bare = await BareClient.connect(url, selfDescriptionJson);
    bare.answerCalls(sd.uuid, 'ECHOED', JSON.stringify('hello'));
    return { uuid: sd.uuid };
  },
  close: async () => {
    await ours?.close();
    await bare?.close();
    await official?.close();
    return true;
  },
};
