import { isPlainObject } from '../protocol';
import { DeliveryError } from './errors';
import { FlowError } from './flow-compiler';
import { FlowLimitError, StoredFlow, flowView } from './flows';
import { HttpError } from './http';
import type { ServiceRecord } from './registry';
import { checkCall, checkConfig } from './checks';
import type { Refusal } from './checks';
import type { EventStream } from './event-stream';
import { asyncApiFromSelfDescriptions } from '../asyncapi/document';

/*
 * What each REST route of the MSB's management API does (spec section 11.2, plus call and
 * configuration helpers for tests), over the narrow RestBackend a broker gives it. How a request
 * reaches a route (authentication, the method, the answer's budget) is rest.ts.
 */

/** Which REST paths a listening port serves (the real MSB splits them over ports). */
export type RestScope = 'all' | 'websocket' | 'smartObjects' | 'flows';

/** What the REST API needs from the broker. */
export interface RestBackend {
  readonly maxBodyBytes: number;
  /** Answers being sent, shared by every port: a listing of a full registry is tens of MiB. */
  readonly responses: { inFlight: number; readonly max: number; refused: number };
  /** When set, every route but health needs it (Bearer, or the Basic password). */
  readonly adminSecret?: string;
  issueToken(owner: string): { token: string } | { status: number; error: string };
  serviceRecords(): ServiceRecord[];
  serviceRecord(uuid: string): ServiceRecord | undefined;
  forgetService(uuid: string): 'deleted' | 'online' | 'unknown';
  sendConfig(uuid: string, params: Record<string, unknown>): Promise<boolean>;
  sendCall(uuid: string, functionId: string, parameters: Record<string, unknown>, correlationId?: string): Promise<boolean>;
  storeFlow(def: unknown, deployed: boolean): StoredFlow;
  flowList(): StoredFlow[];
  flow(id: string): StoredFlow | undefined;
  setFlowDeployed(id: string, deployed: boolean): boolean;
  removeFlow(id: string): boolean;
  /** The live event stream (`GET /events`), served on the all-in-one and smart-object ports. */
  readonly events: EventStream;
  /** `GET /metrics`: the Prometheus text format. */
  metricsText(): string;
  /** The broker's websocket URL, for the `servers` of AsyncAPI documents. */
  websocketUrl(): string;
}

type Handler = (m: RegExpExecArray, body: () => Promise<unknown>) => Promise<[number, unknown]> | [number, unknown];

export interface Route {
  method: string;
  pattern: RegExp;
  scopes: RestScope[];
  handler: Handler;
}

const SO: RestScope[] = ['all', 'smartObjects'];
const FL: RestScope[] = ['all', 'flows'];
const ANY: RestScope[] = ['all', 'websocket', 'smartObjects', 'flows'];

const KIND_CLASS: Readonly<Record<string, string | undefined>> = {
  service: undefined,
  smartobject: 'SmartObject',
  application: 'Application',
  gateway: 'Gateway',
};

function serviceView(s: ServiceRecord): Record<string, unknown> {
  const view: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s.selfDescription)) {
    if (k === 'token') continue; // a secret; the real MSB does not echo it either [inf]
    Object.defineProperty(view, k, { value: v, writable: true, enumerable: true, configurable: true });
  }
  view.uuid = s.uuid;
  view.name = s.name;
  view['@class'] = s.class;
  view.lifecycleState = s.verified ? 'VERIFIED' : 'CREATED';
  view.connected = s.owner?.isOpen() ?? false;
  if (s.parent !== undefined) view.gateway = s.parent;
  return view;
}

function refused(r: Refusal): [number, unknown] {
  return [422, { error: r.error, code: r.code, violations: r.violations }];
}

function deliveryStatus(e: unknown): [number, unknown] {
  if (e instanceof DeliveryError) {
    const status = e.code === 'UNKNOWN_SERVICE' ? 404 : e.code === 'BAD_MESSAGE' ? 400 : 409;
    return [status, { error: e.message, code: e.code }];
  }
  throw e;
}

/** The REST routes (spec section 11.2, plus call/configuration helpers for tests). */
export function restRoutes(b: RestBackend): Route[] {
  const health: Handler = () => [200, { status: 'UP' }];
  const token: Handler = (m) => {
    const r = b.issueToken(m[1]);
    return 'token' in r ? [201, { token: r.token }] : [r.status, { error: r.error }];
  };
  const kindOf = (m: RegExpExecArray): string | undefined => KIND_CLASS[m[1]];
  const findService = (m: RegExpExecArray): ServiceRecord | undefined => {
    const s = b.serviceRecord(m[2]);
    const cls = kindOf(m);
    return s && (cls === undefined || s.class === cls) ? s : undefined;
  };
  const serviceOr404 = (m: RegExpExecArray): ServiceRecord => {
    const s = findService(m);
    if (!s) throw new HttpError(404, `no ${m[1]} with uuid ${m[2]}`);
    return s;
  };
  const flowOr404 = (id: string): StoredFlow => {
    const f = b.flow(id);
    if (!f) throw new HttpError(404, `no integration flow with id ${id}`);
    return f;
  };
  const createFlow = (deployed: boolean): Handler => async (_m, body) => {
    try {
      const f = b.storeFlow(await body(), deployed);
      return [201, deployed ? { id: f.id, deployed: true } : { id: f.id }];
    } catch (e) {
      if (e instanceof FlowLimitError) throw new HttpError(e.limit === 'flows' ? 409 : 413, e.message);
      if (e instanceof FlowError) throw new HttpError(400, e.message);
      throw e;
    }
  };
  const kinds = '(service|smartobject|application|gateway)';
  return [
    { method: 'GET', pattern: /^\/(?:actuator\/)?(?:health|info)\/?$/, scopes: ANY, handler: health },
    { method: 'GET', pattern: /^\/(?:service|smartobject|application|gateway)\/token\/([^/]+)\/?$/, scopes: SO, handler: token },
    { method: 'POST', pattern: /^\/token\/([^/]+)\/?$/, scopes: SO, handler: token },
    { method: 'GET', pattern: /^\/token\/([^/]+)\/?$/, scopes: SO, handler: token },
    {
      method: 'GET',
      pattern: new RegExp(`^/${kinds}/?$`),
      scopes: SO,
      handler: (m) => {
        const cls = kindOf(m);
        return [200, b.serviceRecords().filter((s) => cls === undefined || s.class === cls).map(serviceView)];
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/${kinds}/([^/]+)/?$`),
      scopes: SO,
      handler: (m) => {
        const s = serviceOr404(m);
        return [200, serviceView(s)];
      },
    },
    {
      method: 'DELETE',
      pattern: new RegExp(`^/${kinds}/([^/]+)/?$`),
      scopes: SO,
      handler: (m) => {
        const s = serviceOr404(m);
        if (b.forgetService(s.uuid) === 'online') {
          throw new HttpError(409, `${m[1]} ${s.uuid} is connected; it can be deleted once its connection has closed`);
        }
        return [200, { uuid: s.uuid, deleted: true }];
      },
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/${kinds}/([^/]+)/configuration/?$`),
      scopes: SO,
      handler: async (m, body) => {
        const s = serviceOr404(m);
        const raw = await body();
        if (!isPlainObject(raw)) throw new HttpError(400, 'the body must be {"params": {...}} or the parameters object');
        const wrapped = isPlainObject(raw.params);
        const params = wrapped ? (raw.params as Record<string, unknown>) : raw;
        if (wrapped && raw.force !== undefined && typeof raw.force !== 'boolean') throw new HttpError(400, '"force" must be true or false');
        if (!(wrapped && raw.force === true)) {
          const r = checkConfig(s, params);
          if (r) return refused(r);
        }
        try {
          await b.sendConfig(s.uuid, params);
          return [200, { delivered: true }];
        } catch (e) {
          return deliveryStatus(e);
        }
      },
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/${kinds}/([^/]+)/call/?$`),
      scopes: SO,
      handler: async (m, body) => {
        const s = serviceOr404(m);
        const raw = await body();
        if (!isPlainObject(raw) || typeof raw.functionId !== 'string' || raw.functionId === '') {
          throw new HttpError(400, 'the body must be {"functionId": "...", "parameters": {...}, "correlationId"?: "..."}');
        }
        const params = raw.parameters ?? raw.functionParameters ?? {};
        if (!isPlainObject(params)) throw new HttpError(400, '"parameters" must be an object');
        if (raw.correlationId !== undefined && typeof raw.correlationId !== 'string') throw new HttpError(400, '"correlationId" must be a string');
        if (raw.force !== undefined && typeof raw.force !== 'boolean') throw new HttpError(400, '"force" must be true or false');
        let functionId = raw.functionId;
        if (raw.force !== true) {
          const r = checkCall(s, functionId, params);
          if ('code' in r) return refused(r);
          functionId = r.functionId;
        }
        try {
          await b.sendCall(s.uuid, functionId, params, raw.correlationId);
          return [200, { delivered: true, functionId, ...(raw.correlationId !== undefined ? { correlationId: raw.correlationId } : {}) }];
        } catch (e) {
          return deliveryStatus(e);
        }
      },
    },
    {
      method: 'GET',
      pattern: /^\/asyncapi\/?$/,
      scopes: SO,
      // Top-level services only: a gateway's document holds its sub-services.
      handler: () => [200, asyncApiFromSelfDescriptions(b.serviceRecords().filter((r) => r.parent === undefined).map((r) => r.selfDescription), { server: b.websocketUrl() })],
    },
    {
      method: 'GET',
      pattern: /^\/asyncapi\/([^/]+)\/?$/,
      scopes: SO,
      handler: (m) => {
        const r = b.serviceRecord(m[1]);
        if (!r) throw new HttpError(404, `no service with uuid ${m[1]}`);
        return [200, asyncApiFromSelfDescriptions([r.selfDescription], { server: b.websocketUrl() })];
      },
    },
    { method: 'GET', pattern: /^\/integrationFlow\/?$/, scopes: FL, handler: () => [200, b.flowList().map(flowView)] },
    { method: 'POST', pattern: /^\/integrationFlow\/create\/?$/, scopes: FL, handler: createFlow(false) },
    { method: 'POST', pattern: /^\/integrationFlow\/create\/deploy\/?$/, scopes: FL, handler: createFlow(true) },
    {
      method: 'GET',
      pattern: /^\/integrationFlow\/customer\/([^/]+)\/?$/,
      scopes: FL,
      handler: (m) => [200, b.flowList().filter((f) => f.ownerUuid === m[1]).map(flowView)],
    },
    { method: 'GET', pattern: /^\/integrationFlow\/([^/]+)\/?$/, scopes: FL, handler: (m) => [200, flowView(flowOr404(m[1]))] },
    {
      method: 'PUT',
      pattern: /^\/integrationFlow\/([^/]+)\/(deploy|undeploy)\/?$/,
      scopes: FL,
      handler: (m) => {
        flowOr404(m[1]);
        b.setFlowDeployed(m[1], m[2] === 'deploy');
        return [200, flowView(flowOr404(m[1]))];
      },
    },
    {
      method: 'DELETE',
      pattern: /^\/integrationFlow\/([^/]+)\/?$/,
      scopes: FL,
      handler: (m) => {
        flowOr404(m[1]);
        b.removeFlow(m[1]);
        return [200, { id: m[1], deleted: true }];
      },
    },
  ];
}
