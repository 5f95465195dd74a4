/** Self-descriptions and ids for tests that speak the protocol themselves. */

let counter = 0;

/** A fresh uuid-like id per test, so tests never collide. */
export function uid(prefix = 'svc'): string {
  counter++;
  return `${prefix}-${process.pid}-${counter}-0000-000000000000`;
}

/** A minimal valid SmartObject self-description. */
export function smartObject(uuid: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    uuid,
    name: `SO ${uuid}`,
    description: 'test smart object',
    token: 'tok',
    '@class': 'SmartObject',
    events: [
      { '@id': 1, eventId: 'EV1', name: 'Event 1', description: 'string event', dataFormat: { dataObject: { type: 'string' } } },
      { '@id': 2, eventId: 'arrayev', name: 'Array', description: 'array event', dataFormat: { dataObject: { type: 'array', items: { type: 'string' } } } },
      { '@id': 3, eventId: 'NOPAY', name: 'No payload', description: 'no payload' },
    ],
    functions: [
      { functionId: '/arrayfun', name: 'Array fun', description: '', dataFormat: { dataObject: { type: 'array', items: { type: 'string' } } }, responseEvents: [1] },
      { functionId: 'fn', name: 'fn', description: '', dataFormat: { dataObject: { type: 'string' } } },
    ],
    configuration: { parameters: { p1: { value: true, type: 'BOOLEAN' } } },
    ...extra,
  };
}

/** The parsed body of a `C`/`K` message. */
export function bodyOf(message: string): any {
  return JSON.parse(message.slice(2));
}
