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

/** Names a field of the service being checked: `events[0]`, or `services[1].events[0]` in a gateway. */
type At = (field: string) => string;

/** What the events section tells the functions' responseEvents check. */
interface CheckedEvents {
  eventIds: Set<string>;
  /** The integer `@id`s this service's events carry. */
  atIds: number[];
  /** How many events there are (0 when `events` is no array). */
  count: number;
}

/**
 * One service of a registration, section by section in the order the messages come out (the
 * tests pin them): identity, events, functions, configuration, sub-services; then the gateway's
 * sub-services, depth first.
 */
function checkService(
  sd: unknown,
  where: string,
  parent: string | undefined,
  allEventAtIds: Set<number>,
  problems: string[],
  out: DescribedService[],
): void {
  if (!isPlainObject(sd)) {
    problems.push(`${where || 'self-description'}: must be a JSON object`);
    return;
  }
  const at: At = (p) => (where ? `${where}.${p}` : p);
  checkIdentity(sd, at, problems);
  const events = checkEvents(sd.events, at, problems);
  const functionIds = checkFunctions(sd.functions, at, events, allEventAtIds, problems);
  checkConfiguration(sd.configuration, at, problems);
  checkSubServicesField(sd, at, problems);
  const { uuid, '@class': cls } = sd;
  if (typeof uuid === 'string' && uuid.trim() !== '') {
    out.push({
      uuid,
      name: typeof sd.name === 'string' ? sd.name : '',
      class: typeof cls === 'string' ? cls : '',
      selfDescription: sd as RegistrationBody,
      eventIds: events.eventIds,
      functionIds,
      ...(parent !== undefined ? { parent } : {}),
    });
  }
  if (cls === 'Gateway' && Array.isArray(sd.services)) {
    sd.services.forEach((s, i) => checkService(s, at(`services[${i}]`), typeof uuid === 'string' ? uuid : undefined, allEventAtIds, problems, out));
  }
}

/** Absent and null are the same to every MSB client. */
function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** `uuid`, `@class`, `name`, `token`. */
function checkIdentity(sd: Record<string, unknown>, at: At, problems: string[]): void {
  const uuid = sd.uuid;
  if (typeof uuid !== 'string' || uuid.trim() === '') problems.push(`${at('uuid')}: must be a non-empty string`);
  const cls = sd['@class'];
  if (typeof cls !== 'string' || !(SERVICE_CLASSES as readonly string[]).includes(cls)) {
    problems.push(`${at('@class')}: must be one of ${SERVICE_CLASSES.join(', ')}, got ${JSON.stringify(cls)}`);
  }
  if (isPresent(sd.name) && typeof sd.name !== 'string') problems.push(`${at('name')}: must be a string`);
  if (isPresent(sd.token) && typeof sd.token !== 'string') problems.push(`${at('token')}: must be a string`);
}

/** `events`: unique non-empty ids, integer `@id`s, readable data formats. */
function checkEvents(value: unknown, at: At, problems: string[]): CheckedEvents {
  const checked: CheckedEvents = { eventIds: new Set(), atIds: [], count: 0 };
  const events = value ?? [];
  if (!Array.isArray(events)) {
    problems.push(`${at('events')}: must be an array`);
    return checked;
  }
  checked.count = events.length;
  events.forEach((e, i) => checkEvent(e, at(`events[${i}]`), checked, problems));
  return checked;
}

function checkEvent(e: unknown, p: string, checked: CheckedEvents, problems: string[]): void {
  if (!isPlainObject(e)) return void problems.push(`${p}: must be an object`);
  const id = e.eventId;
  if (typeof id !== 'string' || id === '') problems.push(`${p}.eventId: must be a non-empty string`);
  else if (checked.eventIds.has(id)) problems.push(`${p}.eventId: duplicate event id "${id}"`);
  else checked.eventIds.add(id);
  const atId = e['@id'];
  if (Number.isInteger(atId)) checked.atIds.push(atId as number);
  else if (atId !== undefined) problems.push(`${p}.@id: must be an integer`);
  checkDataFormat(e.dataFormat, p, 'event', problems);
}

function checkDataFormat(format: unknown, p: string, kind: 'event' | 'function', problems: string[]): void {
  if (!isPresent(format)) return;
  for (const d of dataFormatProblems(format, kind)) problems.push(`${p}.dataFormat: ${d}`);
}

/**
 * `functions`: unique non-empty ids, readable data formats, and responseEvents that name events
 * of this registration. Returns the declared function ids.
 */
function checkFunctions(value: unknown, at: At, events: CheckedEvents, allEventAtIds: Set<number>, problems: string[]): Set<string> {
  const functionIds = new Set<string>();
  const functions = value ?? [];
  if (!Array.isArray(functions)) {
    problems.push(`${at('functions')}: must be an array`);
    return functionIds;
  }
  functions.forEach((f, i) => {
    const p = at(`functions[${i}]`);
    if (!isPlainObject(f)) return void problems.push(`${p}: must be an object`);
    const id = f.functionId;
    if (typeof id !== 'string' || id === '') problems.push(`${p}.functionId: must be a non-empty string`);
    else if (functionIds.has(id)) problems.push(`${p}.functionId: duplicate function id "${id}"`);
    else functionIds.add(id);
    checkDataFormat(f.dataFormat, p, 'function', problems);
    checkResponseEvents(f.responseEvents, `${p}.responseEvents`, events, allEventAtIds, problems);
  });
  return functionIds;
}

function checkResponseEvents(re: unknown, p: string, events: CheckedEvents, allEventAtIds: Set<number>, problems: string[]): void {
  if (!isPresent(re)) return;
  if (!Array.isArray(re)) return void problems.push(`${p}: must be an array`);
  re.forEach((r, j) => checkResponseEvent(r, `${p}[${j}]`, events, allEventAtIds, problems));
}

function checkResponseEvent(r: unknown, p: string, events: CheckedEvents, allEventAtIds: Set<number>, problems: string[]): void {
  if (Number.isInteger(r)) {
    if (!namesAnEvent(r as number, events, allEventAtIds)) problems.push(`${p}: ${r as number} names no event @id of this self-description`);
  } else if (isPlainObject(r)) {
    if (r.eventId !== undefined && typeof r.eventId !== 'string') problems.push(`${p}.eventId: must be a string`);
    if (r.eventId === undefined && !Number.isInteger(r['@id'])) problems.push(`${p}: an inline response event needs an eventId or @id`);
  } else problems.push(`${p}: must be an event @id (integer) or an event object`);
}

/** An @id of this registration, or (when this service's events carry no @id) a 0- or 1-based index. */
function namesAnEvent(n: number, events: CheckedEvents, allEventAtIds: Set<number>): boolean {
  return allEventAtIds.has(n) || (events.atIds.length === 0 && n >= 0 && n <= events.count && events.count > 0);
}

/** `configuration.parameters`: each an object with a known type (any case) and a string format. */
function checkConfiguration(conf: unknown, at: At, problems: string[]): void {
  if (!isPresent(conf)) return;
  if (!isPlainObject(conf)) return void problems.push(`${at('configuration')}: must be an object`);
  const parameters = conf.parameters;
  if (!isPresent(parameters)) return;
  if (!isPlainObject(parameters)) return void problems.push(`${at('configuration.parameters')}: must be an object`);
  for (const [name, param] of Object.entries(parameters)) {
    checkConfigParameter(param, `${at('configuration.parameters')}[${JSON.stringify(name)}]`, problems);
  }
}

function checkConfigParameter(param: unknown, p: string, problems: string[]): void {
  if (!isPlainObject(param)) return void problems.push(`${p}: must be an object {value, type, format?}`);
  if (typeof param.type !== 'string' || !CONFIG_TYPES.has(param.type.toLowerCase())) {
    problems.push(`${p}.type: must be one of ${[...CONFIG_TYPES].join(', ')} (any case), got ${JSON.stringify(param.type)}`);
  }
  if (isPresent(param.format) && typeof param.format !== 'string') problems.push(`${p}.format: must be a string`);
}

/** `services`: an array, and only on a Gateway (the sub-services themselves are checked by checkService). */
function checkSubServicesField(sd: Record<string, unknown>, at: At, problems: string[]): void {
  if (!isPresent(sd.services)) return;
  if (sd['@class'] !== 'Gateway') problems.push(`${at('services')}: only a Gateway may carry sub-services`);
  else if (!Array.isArray(sd.services)) problems.push(`${at('services')}: must be an array`);
}
