import { MsbError } from '../errors';
import { isPlainObject } from '../protocol';
import { JsonPointerError, parsePointer } from './json-pointer';

/*
 * What a flow says, in either of its two forms (the short one for people, the MSB's
 * integration-flow JSON as its designer exports it), compiled once into routes: event of a
 * service → function of another, with the mappings between them. Reading a flow is all here, so
 * a definition the broker cannot understand is refused when it is stored, never when it runs.
 */

/**
 * The short flow form, for people: one event of one service to one function of another.
 * `service` may be a uuid or a registered service name. `map` goes target pointer → source
 * pointer (into the whole event message), or → a template with `${/pointer}` occurrences;
 * without it the event's `dataObject` goes to the `dataObject` parameter.
 */
export interface ShortFlow {
  id?: string | number;
  name?: string;
  ownerUuid?: string;
  from: { service: string; event: string };
  to: { service: string; function: string };
  map?: Record<string, string>;
}

/** A flow as given: the short form or the MSB integration-flow JSON (spec section 11.3). */
export type FlowDefinition = ShortFlow | Record<string, unknown>;

/** One mapping of the data-mapping processor. */
export interface Mapping {
  /** Pointer into the event message; used when there is no template. */
  source?: string;
  /** Pointer into the function parameters. */
  target: string;
  /** `${/pointer}` keeps the typed value; other text interpolates. */
  template?: string;
}

/** An event → function connection compiled from a flow. */
export interface Route {
  /** uuid (or, in the short form, name) of the publishing service. */
  source: string;
  eventId: string;
  /** uuid (or, in the short form, name) of the target service. */
  target: string;
  functionId: string;
  mappings: Mapping[];
}

/** Raised for a flow the broker cannot understand; the message says what is missing. */
export class FlowError extends MsbError {}

// Jackson writes each object once and later only its @id; ids are unique per class, so the
// scope of a reference is guessed from the property that holds it.
const SCOPE_OF_KEY: Readonly<Record<string, string>> = {
  transitions: 'transition',
  sources: 'transition',
  targets: 'transition',
  inputs: 'input',
  outputs: 'output',
  output: 'output',
  processors: 'processor',
  processor: 'processor',
  transitionInput: 'event',
  responseEvent: 'event',
  events: 'event',
  transitionOutput: 'call',
  functionCalls: 'call',
  serviceEndpoint: 'endpoint',
  endpoints: 'endpoint',
  service: 'service',
  services: 'service',
  inputParameters: 'parameter',
  outputParameters: 'parameter',
};

type Scopes = Map<string, Map<number, Record<string, unknown>>>;

function scopeOf(key: string): string {
  return Object.prototype.hasOwnProperty.call(SCOPE_OF_KEY, key) ? SCOPE_OF_KEY[key] : key;
}

function collectIds(node: unknown, scope: string, scopes: Scopes, depth = 0): void {
  if (depth > 200) return; // a hostile document cannot blow the stack
  if (Array.isArray(node)) {
    for (const item of node) collectIds(item, scope, scopes, depth + 1);
    return;
  }
  if (!isPlainObject(node)) return;
  const id = node['@id'];
  if (Number.isInteger(id)) {
    let m = scopes.get(scope);
    if (!m) scopes.set(scope, (m = new Map()));
    if (!m.has(id as number)) m.set(id as number, node);
  }
  for (const [k, v] of Object.entries(node)) if (v !== null && typeof v === 'object') collectIds(v, scopeOf(k), scopes, depth + 1);
}

function deref(v: unknown, scope: string, scopes: Scopes): Record<string, unknown> | undefined {
  if (isPlainObject(v)) return v;
  if (Number.isInteger(v)) return scopes.get(scope)?.get(v as number);
  return undefined;
}

function uuidOf(service: Record<string, unknown> | undefined): string | undefined {
  if (!service) return undefined;
  for (const k of ['uUID', 'uuid', 'UUID']) if (typeof service[k] === 'string' && service[k] !== '') return service[k] as string;
  return undefined;
}

function checkPointer(p: string, what: string): void {
  try {
    parsePointer(p);
  } catch (e) {
    throw new FlowError(`${what}: ${(e as JsonPointerError).message}`);
  }
}

function compileShort(f: Record<string, unknown>): Route[] {
  const from = f.from;
  const to = f.to;
  if (!isPlainObject(from) || typeof from.service !== 'string' || typeof from.event !== 'string' || !from.service || !from.event) {
    throw new FlowError('a short flow needs "from": {"service": "<uuid or name>", "event": "<eventId>"}');
  }
  if (!isPlainObject(to) || typeof to.service !== 'string' || typeof to.function !== 'string' || !to.service || !to.function) {
    throw new FlowError('a short flow needs "to": {"service": "<uuid or name>", "function": "<functionId>"}');
  }
  const map = f.map ?? { '/dataObject': '/dataObject' };
  if (!isPlainObject(map)) throw new FlowError('"map" must be an object {"/target/pointer": "/source/pointer"}');
  const mappings: Mapping[] = Object.entries(map).map(([target, source]) => {
    if (typeof source !== 'string') throw new FlowError(`map["${target}"] must be a JSON pointer string`);
    checkPointer(target, `map target "${target}"`);
    if (source.includes('${')) return { target, template: source };
    checkPointer(source, `map source "${source}"`);
    return { target, source };
  });
  return [{ source: from.service, eventId: from.event, target: to.service, functionId: to.function, mappings }];
}

function mappingsOf(processor: Record<string, unknown>, where: string): Mapping[] {
  const pattern = processor.pattern;
  if (!isPlainObject(pattern) || !Array.isArray(pattern.mapping)) return [];
  return pattern.mapping.map((m, i) => {
    const w = `${where}.pattern.mapping[${i}]`;
    if (!isPlainObject(m) || !isPlainObject(m.target) || typeof m.target.path !== 'string') {
      throw new FlowError(`${w}: needs "target": {"path": "<pointer>"}`);
    }
    checkPointer(m.target.path, `${w}.target.path`);
    const src = Array.isArray(m.source) && isPlainObject(m.source[0]) ? m.source[0].path : undefined;
    const template = typeof m.target.template === 'string' && m.target.template !== '' ? m.target.template : undefined;
    if (template === undefined && typeof src !== 'string') throw new FlowError(`${w}: needs "source": [{"path": "<pointer>"}] or a target template`);
    if (typeof src === 'string') checkPointer(src, `${w}.source[0].path`);
    return {
      target: m.target.path,
      ...(typeof src === 'string' ? { source: src } : {}),
      ...(template !== undefined ? { template } : {}),
    };
  });
}

function compileMsb(f: Record<string, unknown>): Route[] {
  if (!Array.isArray(f.transitions)) throw new FlowError('an integration flow needs a "transitions" array');
  const scopes: Scopes = new Map();
  collectIds(f, 'flow', scopes);
  const routes: Route[] = [];
  f.transitions.forEach((t0, ti) => {
    const t = deref(t0, 'transition', scopes);
    if (!t || !Array.isArray(t.inputs)) return;
    t.inputs.forEach((i0, ii) => {
      const input = deref(i0, 'input', scopes);
      const ev = input && deref(input.transitionInput, 'event', scopes);
      if (!input || !ev || (ev.type !== undefined && ev.type !== 'InputEvent')) return;
      const where = `transitions[${ti}].inputs[${ii}]`;
      const source = uuidOf(deref(ev.service, 'service', scopes));
      if (!source || typeof ev.eventId !== 'string') {
        throw new FlowError(`${where}.transitionInput: needs "eventId" and "service": {"uUID"}`);
      }
      const processors = Array.isArray(input.processors) ? input.processors : Array.isArray(t.processors) ? t.processors : [];
      processors.forEach((p0, pi) => {
        const p = deref(p0, 'processor', scopes);
        const out = p && deref(p.output, 'output', scopes);
        const call = out && deref(out.transitionOutput, 'call', scopes);
        if (!p || !call || (call.type !== undefined && call.type !== 'FunctionCall')) return;
        const pw = `${where}.processors[${pi}]`;
        const endpoint = deref(call.serviceEndpoint, 'endpoint', scopes);
        const target = uuidOf(endpoint && deref(endpoint.service, 'service', scopes));
        if (!target || typeof call.functionId !== 'string') {
          throw new FlowError(`${pw}.output.transitionOutput: needs "functionId" and "serviceEndpoint": {"service": {"uUID"}}`);
        }
        routes.push({ source, eventId: ev.eventId as string, target, functionId: call.functionId, mappings: mappingsOf(p, pw) });
      });
    });
  });
  if (routes.length === 0) throw new FlowError('the integration flow holds no InputEvent → FunctionCall transition');
  return routes;
}

/** Which of the two forms `def` is in, compiled to routes. @throws {FlowError} */
export function compileFlow(def: unknown): { routes: Route[]; name: string; ownerUuid?: string } {
  if (!isPlainObject(def)) throw new FlowError('a flow must be a JSON object');
  const owner = typeof def.ownerUuid === 'string' ? def.ownerUuid : undefined;
  const name = typeof def.name === 'string' ? def.name : '';
  if (def.transitions !== undefined) return { routes: compileMsb(def), name, ...(owner ? { ownerUuid: owner } : {}) };
  if (def.from !== undefined || def.to !== undefined) return { routes: compileShort(def), name, ...(owner ? { ownerUuid: owner } : {}) };
  throw new FlowError('a flow needs either "transitions" (MSB integration flow) or "from"/"to" (short form)');
}

