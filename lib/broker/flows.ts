import { MsbError } from '../errors';
import { isPlainObject } from '../protocol';
import type { EventMessage } from '../protocol';
import { JsonPointerError, getPointer, parsePointer, setPointer } from './json-pointer';

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

/** A stored flow. */
export interface StoredFlow {
  id: string | number;
  name: string;
  ownerUuid?: string;
  deployed: boolean;
  /** The JSON given, kept for `GET /integrationFlow/{id}`. */
  definition: Record<string, unknown>;
  /** Size of the definition as JSON. */
  bytes: number;
  routes: Route[];
}

/** Raised for a flow the broker cannot understand; the message says what is missing. */
export class FlowError extends MsbError {}

/**
 * Raised for a flow the broker will not store because of a limit: `flows` (REST 409, the
 * store is full) or `bytes` (REST 413, the definition is too large).
 */
export class FlowLimitError extends FlowError {
  constructor(
    readonly limit: 'flows' | 'bytes',
    message: string,
  ) {
    super(message);
  }
}

/** A flow mapping would build a call larger than the broker's `maxCallBytes`; nothing was built. */
export class CallTooLargeError extends MsbError {
  constructor(
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(`the call would be at least ${bytes} bytes, more than the limit of ${limit} (maxCallBytes); it was not built`);
  }
}

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

function clone<T>(v: T): T {
  // structuredClone creates own data properties, so a "__proto__" key stays plain data
  return structuredClone(v);
}

/**
 * Sizes of values read by pointer, as JSON text, each pointer measured once per event: a
 * template naming one large value many times costs one measurement, and the budget check
 * comes before anything is copied or concatenated.
 */
class Sizer {
  private readonly sizes = new Map<string, { value: unknown; json: number }>();

  constructor(private readonly event: EventMessage) {}

  read(pointer: string): { value: unknown; json: number } {
    let r = this.sizes.get(pointer);
    if (!r) {
      const value = getPointer(this.event, pointer);
      r = { value, json: value === undefined ? 0 : (JSON.stringify(value)?.length ?? 0) };
      this.sizes.set(pointer, r);
    }
    return r;
  }

  /** Like `read`, but a bad pointer or a missing value reads as nothing, as interpolation wants. */
  readLenient(pointer: string): { value: unknown; json: number } {
    try {
      return this.read(pointer);
    } catch {
      return { value: undefined, json: 0 };
    }
  }
}

const PLACEHOLDER = /\$\{([^}]*)\}/g;

/** The interpolated text's length, computed without building it. */
function interpolatedLength(template: string, sizer: Sizer): number {
  let length = template.length;
  for (const m of template.matchAll(PLACEHOLDER)) {
    length -= m[0].length;
    const { value, json } = sizer.readLenient(m[1]);
    if (value === undefined || value === null) continue;
    length += typeof value === 'string' ? value.length : json;
  }
  return length;
}

function interpolate(template: string, sizer: Sizer): string {
  return template.replace(PLACEHOLDER, (_m, p: string) => {
    const v = sizer.readLenient(p).value;
    if (v === undefined || v === null) return '';
    return typeof v === 'string' ? v : JSON.stringify(v);
  });
}

/**
 * The function parameters a route produces from an event message: each mapping reads from the
 * whole message (`/dataObject`, `/correlationId`...) and writes into a fresh object. A missing
 * source value is left out. Nothing is checked against the target's data format (spec 11.3 #5).
 * The size of the result (as JSON) is added up before anything is built; beyond `maxBytes`
 * nothing is built at all.
 *
 * @throws {JsonPointerError} when a target pointer is forbidden (`__proto__`...).
 * @throws {CallTooLargeError} when the parameters would exceed `maxBytes`.
 */
export function buildParameters(event: EventMessage, mappings: Mapping[], maxBytes = Infinity): Record<string, unknown> {
  const sizer = new Sizer(event);
  const whole = /^\$\{([^}]*)\}$/;
  let total = 2;
  for (const m of mappings) {
    const w = m.template !== undefined ? whole.exec(m.template) : null;
    if (m.template !== undefined && !w) total += interpolatedLength(m.template, sizer) + 2;
    else total += sizer.read(w ? w[1] : (m.source ?? '')).json;
    total += m.target.length + 4;
    if (total > maxBytes) throw new CallTooLargeError(total, maxBytes);
  }
  let params: Record<string, unknown> = {};
  for (const m of mappings) {
    const w = m.template !== undefined ? whole.exec(m.template) : null;
    const value = m.template !== undefined && !w ? interpolate(m.template, sizer) : sizer.read(w ? w[1] : (m.source ?? '')).value;
    if (value === undefined) continue;
    if (m.target === '') {
      if (isPlainObject(value)) params = clone(value);
      continue;
    }
    setPointer(params, m.target, clone(value));
  }
  return params;
}

/** Flows by id; ids are numbers from 1 unless the short form names its own. */
export class FlowStore {
  private readonly flows = new Map<string, StoredFlow>();
  private nextId = 1;
  private totalBytes = 0;

  constructor(
    private readonly maxFlows = Infinity,
    private readonly maxFlowBytes = Infinity,
  ) {}

  get size(): number {
    return this.flows.size;
  }

  /** Size of the stored definitions as JSON. */
  get bytes(): number {
    return this.totalBytes;
  }
  /** Routes by source (uuid or name) and event id; rebuilt after flows are added or removed. */
  private index?: Map<string, Array<{ flow: StoredFlow; route: Route }>>;

  /** Compiles and stores a flow (replacing one with the same id). @throws {FlowError} */
  add(def: unknown, deployed: boolean): StoredFlow {
    let bytes: number;
    try {
      bytes = JSON.stringify(def)?.length ?? 0;
    } catch (e) {
      throw new FlowError(`a flow must be JSON: ${(e as Error)?.message ?? String(e)}`);
    }
    if (bytes > this.maxFlowBytes) {
      throw new FlowLimitError('bytes', `the flow definition is ${bytes} bytes as JSON, more than the limit of ${this.maxFlowBytes} (maxFlowBytes)`);
    }
    const compiled = compileFlow(def);
    const d = def as Record<string, unknown>;
    let id: string | number;
    let automatic = false;
    if (d.transitions === undefined && (typeof d.id === 'string' || typeof d.id === 'number') && d.id !== '') id = d.id;
    else {
      while (this.flows.has(String(this.nextId))) this.nextId++;
      id = this.nextId;
      automatic = true;
    }
    const replaced = this.flows.get(String(id));
    if (!replaced && this.flows.size >= this.maxFlows) {
      throw new FlowLimitError('flows', `the broker holds its maximum of ${this.maxFlows} flows (maxFlows); delete one first`);
    }
    if (automatic) this.nextId++;
    if (replaced) this.totalBytes -= replaced.bytes;
    this.totalBytes += bytes;
    const flow: StoredFlow = {
      bytes,
      id,
      name: compiled.name,
      ...(compiled.ownerUuid !== undefined ? { ownerUuid: compiled.ownerUuid } : {}),
      deployed,
      definition: d,
      routes: compiled.routes,
    };
    this.flows.set(String(id), flow);
    this.index = undefined;
    return flow;
  }

  get(id: string | number): StoredFlow | undefined {
    return this.flows.get(String(id));
  }

  remove(id: string | number): boolean {
    const f = this.flows.get(String(id));
    if (!f) return false;
    this.index = undefined;
    this.totalBytes -= f.bytes;
    return this.flows.delete(String(id));
  }

  list(): StoredFlow[] {
    return [...this.flows.values()];
  }

  /** The deployed routes for an event of `eventId` from the service `uuid` (also matched by `name`). */
  matching(uuid: string, name: string | undefined, eventId: string): Array<{ flow: StoredFlow; route: Route }> {
    // Every accepted event asks this: look routes up by key rather than scan every flow.
    this.index ??= this.buildIndex();
    const byUuid = this.index.get(`${uuid}\u0000${eventId}`) ?? [];
    const byName = name !== undefined && name !== '' && name !== uuid ? this.index.get(`${name}\u0000${eventId}`) ?? [] : [];
    const out: Array<{ flow: StoredFlow; route: Route }> = [];
    // Deployment changes in place (flow.deployed), so it is checked here, not indexed.
    for (const m of byUuid) if (m.flow.deployed) out.push(m);
    for (const m of byName) if (m.flow.deployed) out.push(m);
    return out;
  }

  private buildIndex(): Map<string, Array<{ flow: StoredFlow; route: Route }>> {
    const index = new Map<string, Array<{ flow: StoredFlow; route: Route }>>();
    for (const flow of this.flows.values()) {
      for (const route of flow.routes) {
        const key = `${route.source}\u0000${route.eventId}`;
        const list = index.get(key) ?? [];
        list.push({ flow, route });
        index.set(key, list);
      }
    }
    return index;
  }
}

/** The JSON a flow is shown as over REST: the definition with `id` and `deployed`. */
export function flowView(f: StoredFlow): Record<string, unknown> {
  const view: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(f.definition)) {
    Object.defineProperty(view, k, { value: v, writable: true, enumerable: true, configurable: true });
  }
  view.id = f.id;
  view.deployed = f.deployed;
  return view;
}
