import { dataFormatProblems } from '../schema/data-format-schema';
import { isPlainObject } from '../protocol';
import type { RegistrationBody } from '../protocol';

/** The service classes the MSB knows. */
export const SERVICE_CLASSES = ['SmartObject', 'Application', 'Gateway'] as const;

const CONFIG_TYPES = new Set(['integer', 'number', 'string', 'boolean', 'array', 'object']);

/** A service of a registration: the top-level one or a gateway sub-service. */
export interface DescribedService {
  uuid: string;
  name: string;
  class: string;
  /** The description as sent (never merged into anything). */
  selfDescription: RegistrationBody;
  /** Declared event ids. */
  eventIds: Set<string>;
  /** Declared function ids. */
  functionIds: Set<string>;
  /** The gateway this is a sub-service of. */
  parent?: string;
}

/** The outcome of {@link checkSelfDescription}. */
export interface SelfDescriptionCheck {
  problems: string[];
  /** Top-level service first, then gateway sub-services; empty when there are problems. */
  services: DescribedService[];
}

/**
 * Validates an `R` body as the MSB would, tolerating every official client's dialect: `@id`
 * from 0 or 1, responseEvents as `@id` ints or inline event objects, config types in either
 * case, C#'s `{"dataObject":{}}` and `{}` data formats. Gateway `services` are checked too.
 */
export function checkSelfDescription(sd: unknown): SelfDescriptionCheck {
  const problems: string[] = [];
  const services: DescribedService[] = [];
  const allEventAtIds = new Set<number>();
  collectEventAtIds(sd, allEventAtIds);
  checkService(sd, '', undefined, allEventAtIds, problems, services);
  const seen = new Set<string>();
  for (const s of services) {
    if (seen.has(s.uuid)) problems.push(`service uuid ${s.uuid} appears more than once`);
    seen.add(s.uuid);
  }
  return { problems, services: problems.length ? [] : services };
}

function collectEventAtIds(sd: unknown, out: Set<number>): void {
  if (!isPlainObject(sd)) return;
  if (Array.isArray(sd.events)) {
    for (const e of sd.events) if (isPlainObject(e) && Number.isInteger(e['@id'])) out.add(e['@id'] as number);
  }
  if (Array.isArray(sd.services)) for (const s of sd.services) collectEventAtIds(s, out);
}

function checkService(
  sd: unknown,
  where: string,
  parent: string | undefined,
  allEventAtIds: Set<number>,
  problems: string[],
  out: DescribedService[],
): void {
  const at = (p: string): string => (where ? `${where}.${p}` : p);
  if (!isPlainObject(sd)) {
    problems.push(`${where || 'self-description'}: must be a JSON object`);
    return;
  }
  const uuid = sd.uuid;
  if (typeof uuid !== 'string' || uuid.trim() === '') problems.push(`${at('uuid')}: must be a non-empty string`);
  const cls = sd['@class'];
  if (typeof cls !== 'string' || !(SERVICE_CLASSES as readonly string[]).includes(cls)) {
    problems.push(`${at('@class')}: must be one of ${SERVICE_CLASSES.join(', ')}, got ${JSON.stringify(cls)}`);
  }
  if (sd.name !== undefined && sd.name !== null && typeof sd.name !== 'string') problems.push(`${at('name')}: must be a string`);
  if (sd.token !== undefined && sd.token !== null && typeof sd.token !== 'string') problems.push(`${at('token')}: must be a string`);

  const eventIds = new Set<string>();
  const localAtIds: number[] = [];
  const events = sd.events ?? [];
  if (!Array.isArray(events)) problems.push(`${at('events')}: must be an array`);
  else {
    events.forEach((e, i) => {
      const p = at(`events[${i}]`);
      if (!isPlainObject(e)) return void problems.push(`${p}: must be an object`);
      if (typeof e.eventId !== 'string' || e.eventId === '') problems.push(`${p}.eventId: must be a non-empty string`);
      else if (eventIds.has(e.eventId)) problems.push(`${p}.eventId: duplicate event id "${e.eventId}"`);
      else eventIds.add(e.eventId);
      if (e['@id'] !== undefined && !Number.isInteger(e['@id'])) problems.push(`${p}.@id: must be an integer`);
      if (Number.isInteger(e['@id'])) localAtIds.push(e['@id'] as number);
      if (e.dataFormat !== undefined && e.dataFormat !== null) {
        for (const d of dataFormatProblems(e.dataFormat, 'event')) problems.push(`${p}.dataFormat: ${d}`);
      }
    });
  }

  const functions = sd.functions ?? [];
  const functionIds = new Set<string>();
  if (!Array.isArray(functions)) problems.push(`${at('functions')}: must be an array`);
  else {
    functions.forEach((f, i) => {
      const p = at(`functions[${i}]`);
      if (!isPlainObject(f)) return void problems.push(`${p}: must be an object`);
      if (typeof f.functionId !== 'string' || f.functionId === '') problems.push(`${p}.functionId: must be a non-empty string`);
      else if (functionIds.has(f.functionId)) problems.push(`${p}.functionId: duplicate function id "${f.functionId}"`);
      else functionIds.add(f.functionId);
      if (f.dataFormat !== undefined && f.dataFormat !== null) {
        for (const d of dataFormatProblems(f.dataFormat, 'function')) problems.push(`${p}.dataFormat: ${d}`);
      }
      const re = f.responseEvents;
      if (re === undefined || re === null) return;
      if (!Array.isArray(re)) return void problems.push(`${p}.responseEvents: must be an array`);
      const count = Array.isArray(events) ? events.length : 0;
      re.forEach((r, j) => {
        const rp = `${p}.responseEvents[${j}]`;
        if (Number.isInteger(r)) {
          const n = r as number;
          // an @id of this document, or (when events carry no @id) a 0- or 1-based index
          const known = allEventAtIds.has(n) || (localAtIds.length === 0 && n >= 0 && n <= count && count > 0);
          if (!known) problems.push(`${rp}: ${n} names no event @id of this self-description`);
        } else if (isPlainObject(r)) {
          if (r.eventId !== undefined && typeof r.eventId !== 'string') problems.push(`${rp}.eventId: must be a string`);
          if (r.eventId === undefined && !Number.isInteger(r['@id'])) problems.push(`${rp}: an inline response event needs an eventId or @id`);
        } else problems.push(`${rp}: must be an event @id (integer) or an event object`);
      });
    });
  }

  const conf = sd.configuration;
  if (conf !== undefined && conf !== null) {
    if (!isPlainObject(conf)) problems.push(`${at('configuration')}: must be an object`);
    else if (conf.parameters !== undefined && conf.parameters !== null) {
      if (!isPlainObject(conf.parameters)) problems.push(`${at('configuration.parameters')}: must be an object`);
      else {
        for (const [name, param] of Object.entries(conf.parameters)) {
          const p = `${at('configuration.parameters')}[${JSON.stringify(name)}]`;
          if (!isPlainObject(param)) {
            problems.push(`${p}: must be an object {value, type, format?}`);
            continue;
          }
          if (typeof param.type !== 'string' || !CONFIG_TYPES.has(param.type.toLowerCase())) {
            problems.push(`${p}.type: must be one of ${[...CONFIG_TYPES].join(', ')} (any case), got ${JSON.stringify(param.type)}`);
          }
          if (param.format !== undefined && param.format !== null && typeof param.format !== 'string') {
            problems.push(`${p}.format: must be a string`);
          }
        }
      }
    }
  }

  if (cls === 'Gateway' && sd.services !== undefined && sd.services !== null) {
    if (!Array.isArray(sd.services)) problems.push(`${at('services')}: must be an array`);
  } else if (cls !== 'Gateway' && sd.services !== undefined && sd.services !== null) {
    problems.push(`${at('services')}: only a Gateway may carry sub-services`);
  }

  if (typeof uuid === 'string' && uuid.trim() !== '') {
    out.push({
      uuid,
      name: typeof sd.name === 'string' ? sd.name : '',
      class: typeof cls === 'string' ? cls : '',
      selfDescription: sd as RegistrationBody,
      eventIds,
      functionIds,
      ...(parent !== undefined ? { parent } : {}),
    });
  }
  if (cls === 'Gateway' && Array.isArray(sd.services)) {
    sd.services.forEach((s, i) => checkService(s, at(`services[${i}]`), typeof uuid === 'string' ? uuid : undefined, allEventAtIds, problems, out));
  }
}
