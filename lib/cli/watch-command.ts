// `msb watch`: the broker's event stream as JSON lines until Ctrl-C or the stream ends.
import { CliError } from './errors';
import { subscribe } from './event-stream';
import { resolveService } from './rest-client';

/** `msb watch`: prints every matching event as one JSON line until interrupted or the stream ends. */
export async function watchCommand(baseUrl: string, serviceRef: string | undefined, eventId: string | undefined, print: (line: string) => void, ready: (what: string) => void): Promise<never> {
  const service = serviceRef !== undefined ? await resolveService(baseUrl, serviceRef) : undefined;
  const sub = await subscribe(baseUrl, { service: service?.uuid, event: eventId });
  ready(`watching ${service ? `${service.uuid} "${service.name}"` : 'every service'}${eventId !== undefined ? `, event ${eventId}` : ''} at ${baseUrl} (Ctrl-C stops)`);
  for await (const e of sub.events) print(JSON.stringify(e));
  throw new CliError(`the broker at ${baseUrl} ended the event stream (it stopped, or this client read too slowly)`);
}
