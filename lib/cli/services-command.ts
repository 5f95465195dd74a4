// `msb services`: the broker's service list as a table or JSON lines.
import { isPlainObject } from './json';
import { listServices } from './rest-client';

function idsOf(list: unknown, key: 'eventId' | 'functionId'): string[] {
  return Array.isArray(list) ? list.filter(isPlainObject).map((x) => String(x[key])) : [];
}

/** `msb services`: one line per registered service. */
export async function servicesCommand(baseUrl: string, json: boolean): Promise<string[]> {
  const list = await listServices(baseUrl);
  const rows = list.map((s) => ({
    uuid: s.uuid,
    name: s.name,
    type: s['@class'],
    online: s.connected,
    events: idsOf(s.events, 'eventId'),
    functions: idsOf(s.functions, 'functionId'),
  }));
  if (json) return rows.map((r) => JSON.stringify(r));
  if (rows.length === 0) return ['no service is registered'];
  const table = [['UUID', 'NAME', 'TYPE', 'ONLINE', 'EVENTS', 'FUNCTIONS'], ...rows.map((r) => [r.uuid, r.name, r.type, r.online ? 'yes' : 'no', r.events.join(',') || '-', r.functions.join(',') || '-'])];
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
  return table.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join('  '));
}
