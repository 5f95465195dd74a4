// What the commands share to talk to a running broker over REST: the URL, the admin secret, a
// bounded wait, and a refusal turned into a CliError that names the status and the flag to use.
import { CliError } from './errors';
import { isPlainObject } from './json';

/**
 * The environment variable holding the broker's admin secret: read by `msb broker` (REST then
 * needs it) and sent by `msb call`/`msb config`. An environment variable rather than a flag, so
 * that it does not show in the process list or the shell history.
 */
export const ADMIN_SECRET_ENV = 'MSB_BROKER_ADMIN_SECRET';

function restUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/^ws/, 'http').replace(/\/+$/, '')}${path}`;
}

function authHeaders(): Record<string, string> {
  const secret = process.env[ADMIN_SECRET_ENV];
  return secret ? { authorization: `Bearer ${secret}` } : {};
}

/** One request to the broker, with the admin secret when set; a broker out of reach is a CliError. */
export async function send(baseUrl: string, method: string, path: string, body?: unknown, signal: AbortSignal = AbortSignal.timeout(10_000)): Promise<Response> {
  try {
    return await fetch(restUrl(baseUrl, path), {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...authHeaders() },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal,
    });
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
    throw new CliError(`cannot reach the broker at ${baseUrl}: ${cause}`);
  }
}

/** A refused request as a CliError: the broker's message, worded for the command line. */
export async function failure(response: Response): Promise<CliError> {
  const text = await response.text().catch(() => '');
  let message = text;
  try {
    const parsed = JSON.parse(text) as unknown;
    // the broker speaks of its REST body; the CLI user's lever is the flag
    if (isPlainObject(parsed) && 'error' in parsed) message = String(parsed.error).replace('(force: true sends anyway)', '(--force sends anyway)');
  } catch { /* keep the text */ }
  const hint = response.status === 401 ? ` (set ${ADMIN_SECRET_ENV} to the broker's admin secret)` : '';
  return new CliError(`broker answered ${response.status}: ${message}${hint}`);
}

/** One request whose answer must be a success: the body as JSON, else as text. */
export async function rest(baseUrl: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await send(baseUrl, method, path, body);
  if (!response.ok) throw await failure(response);
  const text = await response.text();
  try { return JSON.parse(text); } catch { return text; }
}

/** A registered service as `GET /service` lists it. */
export interface ListedService {
  uuid: string;
  name: string;
  '@class': string;
  connected: boolean;
  events?: unknown;
  functions?: unknown;
  [key: string]: unknown;
}

/** The broker's `GET /service` list. */
export async function listServices(baseUrl: string): Promise<ListedService[]> {
  const list = await rest(baseUrl, 'GET', '/service');
  if (!Array.isArray(list)) throw new CliError(`the broker at ${baseUrl} answered GET /service with something that is not a list`);
  return list.filter(isPlainObject) as ListedService[];
}

/**
 * A service by uuid, else by name: the one online service of that name, else the one offline.
 *
 * @throws {CliError} when nothing matches, or several online services share the name.
 */
export async function resolveService(baseUrl: string, uuidOrName: string): Promise<ListedService> {
  const list = await listServices(baseUrl);
  const byUuid = list.find((s) => s.uuid === uuidOrName);
  if (byUuid) return byUuid;
  const named = list.filter((s) => s.name === uuidOrName);
  const online = named.filter((s) => s.connected);
  const pick = online.length ? online : named;
  if (pick.length === 1) return pick[0];
  if (pick.length > 1) throw new CliError(`${pick.length} services are named "${uuidOrName}" (${pick.map((s) => s.uuid).join(', ')}): give the uuid`, 2);
  const names = list.map((s) => `"${s.name}"`).slice(0, 10).join(', ');
  throw new CliError(`no service with uuid or name "${uuidOrName}" is registered at ${baseUrl}${list.length ? ` (registered: ${names}${list.length > 10 ? ', ...' : ''})` : ' (none is registered)'}`);
}

