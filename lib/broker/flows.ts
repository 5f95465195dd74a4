import type { Route } from './flow-compiler';
import { FlowError, compileFlow } from './flow-compiler';

/*
 * The flows a broker holds, within its limits, and the index every accepted event is looked up
 * in. Compiling a definition is flow-compiler.ts; applying a route to an event, flow-mapping.ts.
 */

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
