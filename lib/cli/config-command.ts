// `msb config`: name=value pairs from the command line, sent as a configuration change.
import { CliError } from './errors';
import { resolveService, rest } from './rest-client';

/** Parses `name=value` pairs; a value is JSON when it parses as JSON, else a string. */
export function parseAssignments(pairs: readonly string[]): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const pair of pairs) {
    const i = pair.indexOf('=');
    if (i <= 0) throw new CliError(`"${pair}" is not name=value`, 2);
    const raw = pair.slice(i + 1);
    let value: unknown = raw;
    try { value = JSON.parse(raw); } catch { /* a plain string */ }
    Object.defineProperty(params, pair.slice(0, i), { value, enumerable: true, writable: true, configurable: true });
  }
  return params;
}

/**
 * `msb config`: sends a configuration change through the broker's REST API, which refuses
 * unknown parameter names and values that do not fit their registered type (unless `force`).
 */
export async function configCommand(url: string, serviceRef: string, pairs: readonly string[], force = false): Promise<string> {
  const params = parseAssignments(pairs);
  const service = await resolveService(url, serviceRef);
  await rest(url, 'POST', `/service/${encodeURIComponent(service.uuid)}/configuration`, { params, ...(force ? { force: true } : {}) });
  return `configured ${service.uuid} "${service.name}": ${JSON.stringify(params)}`;
}
