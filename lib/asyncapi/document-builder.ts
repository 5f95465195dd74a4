// Building one AsyncAPI document from self-descriptions: a channel per service, a message and an
// operation per event, function and configuration, replies found across a gateway's services.
import { MsbAsyncApiError } from './errors';
import { ComponentKeys } from './component-keys';
import { ComponentSchemas } from './component-schemas';
import { isObject, put, text } from './json';
import type { Json } from './json';
import { convertSchema, refsIn } from './schema-conversion';
import { serverOf } from './server';
import type { AsyncApiDocument, AsyncApiDocumentOptions, ServiceExtras } from './types';
import { PRIORITY_NAMES } from '../protocol';

const CONFIG_TYPES = new Set(['integer', 'number', 'string', 'boolean', 'array', 'object']);

/** Runs `build`, putting `where` in front of any MsbAsyncApiError it throws. */
function within<T>(where: string, build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (e instanceof MsbAsyncApiError) throw new MsbAsyncApiError(`${where}: ${e.message}`);
    throw e;
  }
}

/** The events of a gateway document (or a single service), for finding response events. */
interface EventIndex {
  readonly byAtId: Map<number, EventRef>;
  /** Per service: an inline response event `{ eventId }` names an event of its own service. */
  readonly byEventId: Map<ServicePart, Map<string, EventRef>>;
}

interface EventRef {
  readonly part: ServicePart;
  readonly messageKey: string;
}

/** One service's part of the document: its channel and the keys its messages got. */
interface ServicePart {
  readonly sd: Json;
  readonly uuid: string;
  readonly channelKey: string;
  readonly messages: Json;
}

/** Builds one document; shared component schemas are deduplicated across every service in it. */
export class DocumentBuilder {
  private readonly channelKeys = new ComponentKeys();
  private readonly messageKeys = new ComponentKeys();
  private readonly operationKeys = new ComponentKeys();
  private readonly schemas: ComponentSchemas;

  readonly doc: AsyncApiDocument;

  constructor(
    private readonly combined: boolean,
    private readonly extras: ServiceExtras,
    options: AsyncApiDocumentOptions,
    first: Json | undefined,
  ) {
    // One top-level description (a gateway too) titles the document; keys are prefixed whenever
    // several services share it.
    const description = options.description ?? text(first?.description);
    this.doc = {
      asyncapi: '3.0.0',
      info: {
        title: options.title ?? ((first && (text(first.name) || text(first.uuid))) || 'MSB services'),
        version: options.version ?? '1.0.0',
        ...(description ? { description } : {}),
        ...(first ? { 'x-msb-uuid': text(first.uuid), 'x-msb-class': text(first['@class']) } : {}),
      },
      defaultContentType: 'application/json',
      ...(options.server !== undefined ? { servers: { msb: serverOf(options.server) } } : {}),
      channels: {},
      operations: {},
      components: { schemas: {}, messages: {} },
    };
    this.schemas = new ComponentSchemas(this.doc.components.schemas);
  }

  /** Adds a top-level self-description and, for a gateway, its sub-services. */
  addDescription(sd: Json, where: string): void {
    const services: Array<{ sd: Json; where: string }> = [{ sd, where }];
    if (Array.isArray(sd.services)) {
      sd.services.forEach((s, i) => {
        if (!isObject(s)) throw new MsbAsyncApiError(`${where}.services[${i}] is not an object`);
        services.push({ sd: s, where: `${where}.services[${i}]` });
      });
    }
    // Java numbers event @ids across a gateway and its sub-services, so a response event may
    // belong to any of them.
    const byAtId: EventIndex = { byAtId: new Map(), byEventId: new Map() };
    const parts = services.map(({ sd: s, where: w }) => this.addEvents(s, w, byAtId));
    parts.forEach((part, i) => this.addFunctions(part, services[i].where, byAtId));
    parts.forEach((part) => this.addConfiguration(part));
  }

  private prefix(part: { channelKey: string }): string {
    return this.combined ? `${part.channelKey}-` : '';
  }

  private addEvents(sd: Json, where: string, index: EventIndex): ServicePart {
    if (typeof sd.uuid !== 'string' || sd.uuid === '') throw new MsbAsyncApiError(`${where} has no uuid`);
    const uuid = sd.uuid;
    const name = text(sd.name) || uuid;
    const channelKey = this.channelKeys.take(name);
    const messages: Json = {};
    const part: ServicePart = { sd, uuid, channelKey, messages };
    put(this.doc.channels, channelKey, {
      address: null,
      title: name,
      description:
        `The websocket connection of ${text(sd['@class']) || 'service'} "${name}" (uuid ${uuid}) to the MSB. ` +
        'Every message travels as one text frame: `E <json>` for events the service sends, `C <json>` for ' +
        'function calls and `K <json>` for configuration changes it receives (SockJS framing by default).',
      messages,
      'x-msb-uuid': uuid,
    });
    const priorities = this.extras.priorities?.get(uuid);
    const events = Array.isArray(sd.events) ? sd.events : [];
    const byEventId = new Map<string, EventRef>();
    index.byEventId.set(part, byEventId);
    // Without @ids (a hand-written description) a number can only be the 1-based position, as in
    // the Python and Node.js clients.
    const implicitAtIds = events.every((e) => !isObject(e) || e['@id'] === undefined);
    events.forEach((e, i) => {
      if (!isObject(e) || typeof e.eventId !== 'string') throw new MsbAsyncApiError(`${where}.events[${i}] has no eventId`);
      const eventId = e.eventId;
      const messageKey = this.messageKeys.take(`${this.prefix(part)}${eventId}`);
      const format = isObject(e.dataFormat) ? e.dataFormat : undefined;
      const properties: Json = {
        uuid: { type: 'string', const: uuid, description: 'The sending service (for a gateway, the sub-service)' },
        eventId: { type: 'string', const: eventId },
        priority: {
          description: 'LOW (0), MEDIUM (1) or HIGH (2); clients send the number, Python may send the name',
          oneOf: [{ type: 'integer', enum: [0, 1, 2] }, { type: 'string', enum: [...PRIORITY_NAMES] }],
        },
        postDate: { type: 'string', description: 'When the event happened, ISO 8601 (e.g. 2024-05-06T07:08:09.123Z)' },
        correlationId: { type: 'string', description: 'Ties the event to the function call it answers' },
      };
      const declared = priorities?.get(eventId);
      if (declared !== undefined) put(properties.priority as Json, 'x-msb-declared-priority', PRIORITY_NAMES[declared as number] ?? declared);
      if (format && Object.keys(format).length > 0) {
        within(`${where}.events[${i}]`, () => {
          const resolve = this.schemas.definitionsOf(format, new Set(Object.keys(format).filter((k) => k !== 'dataObject')));
          put(properties, 'dataObject', convertSchema(format.dataObject ?? {}, resolve));
        });
      }
      put(this.doc.components.messages, messageKey, {
        name: eventId,
        title: text(e.name) || eventId,
        ...(text(e.description) ? { summary: text(e.description) } : {}),
        contentType: 'application/json',
        payload: { type: 'object', required: ['uuid', 'eventId'], properties },
        'x-msb-event-id': eventId,
        ...(typeof e['@id'] === 'number' ? { 'x-msb-at-id': e['@id'] } : {}),
      });
      put(messages, messageKey, { $ref: `#/components/messages/${messageKey}` });
      const operationKey = this.operationKeys.take(`${this.prefix(part)}send-${eventId}`);
      put(this.doc.operations, operationKey, {
        action: 'send',
        channel: { $ref: `#/channels/${channelKey}` },
        title: `${name} sends ${text(e.name) || eventId}`,
        ...(text(e.description) ? { summary: text(e.description) } : {}),
        messages: [{ $ref: `#/channels/${channelKey}/messages/${messageKey}` }],
      });
      const atId = implicitAtIds ? i + 1 : e['@id'];
      if (typeof atId === 'number' && !index.byAtId.has(atId)) index.byAtId.set(atId, { part, messageKey });
      if (!byEventId.has(eventId)) byEventId.set(eventId, { part, messageKey });
    });
    return part;
  }

  private addFunctions(part: ServicePart, where: string, index: EventIndex): void {
    const { sd, uuid, channelKey, messages } = part;
    const functions = Array.isArray(sd.functions) ? sd.functions : [];
    functions.forEach((f, i) => {
      if (!isObject(f) || typeof f.functionId !== 'string') throw new MsbAsyncApiError(`${where}.functions[${i}] has no functionId`);
      const functionId = f.functionId;
      const format = isObject(f.dataFormat) ? f.dataFormat : {};
      // A key that some $ref names is a definition, every other key a parameter (the rule of
      // the Java FunctionParametersValidator).
      const parameters: Json = {};
      within(`${where}.functions[${i}]`, () => {
        const definitions = refsIn(format, new Set());
        const resolve = this.schemas.definitionsOf(format, definitions);
        for (const [key, schema] of Object.entries(format)) {
          if (!definitions.has(key)) put(parameters, key, convertSchema(schema, resolve));
        }
      });
      const messageKey = this.messageKeys.take(`${this.prefix(part)}${functionId}-call`);
      put(this.doc.components.messages, messageKey, {
        name: functionId,
        title: `Call of ${text(f.name) || functionId}`,
        ...(text(f.description) ? { summary: text(f.description) } : {}),
        contentType: 'application/json',
        payload: {
          type: 'object',
          required: ['uuid', 'functionId'],
          properties: {
            uuid: { type: 'string', const: uuid, description: 'The service that owns the function' },
            functionId: { type: 'string', const: functionId },
            correlationId: { type: 'string', description: 'Copied onto the response events' },
            functionParameters: { type: 'object', properties: parameters },
          },
        },
        'x-msb-function-id': functionId,
      });
      put(messages, messageKey, { $ref: `#/components/messages/${messageKey}` });
      // A reply names one channel; responses published by another sub-service of a gateway
      // cannot be listed beside it, so the reply keeps those of the first response's channel.
      // Response events that name no event are left out.
      const responses = (Array.isArray(f.responseEvents) ? f.responseEvents : [])
        .map((r: unknown) => responseEvent(r, part, index))
        .filter((r): r is EventRef => r !== undefined);
      const replyPart = responses[0]?.part;
      const replies = [...new Set(responses.filter((r) => r.part === replyPart).map((r) => r.messageKey))];
      const operationKey = this.operationKeys.take(`${this.prefix(part)}receive-${functionId}`);
      put(this.doc.operations, operationKey, {
        action: 'receive',
        channel: { $ref: `#/channels/${channelKey}` },
        title: `${text(sd.name) || uuid} runs ${text(f.name) || functionId}`,
        ...(text(f.description) ? { summary: text(f.description) } : {}),
        messages: [{ $ref: `#/channels/${channelKey}/messages/${messageKey}` }],
        ...(replyPart
          ? {
              reply: {
                channel: { $ref: `#/channels/${replyPart.channelKey}` },
                messages: replies.map((k) => ({ $ref: `#/channels/${replyPart.channelKey}/messages/${k}` })),
              },
            }
          : {}),
      });
    });
  }

  private addConfiguration(part: ServicePart): void {
    const { sd, uuid, channelKey, messages } = part;
    const parameters = isObject(sd.configuration) && isObject(sd.configuration.parameters) ? sd.configuration.parameters : {};
    if (Object.keys(parameters).length === 0) return;
    const properties: Json = {};
    for (const [name, p] of Object.entries(parameters)) {
      const param = isObject(p) ? p : {};
      const type = text(param.type).toLowerCase();
      const format = text(param.format).toLowerCase();
      put(properties, name, {
        ...(CONFIG_TYPES.has(type) ? { type } : {}),
        ...(format ? { format } : {}),
        description: `Value at registration: ${JSON.stringify(param.value) ?? 'none'}`,
        'x-msb-value': param.value ?? null,
      });
    }
    const messageKey = this.messageKeys.take(`${this.prefix(part)}configuration`);
    put(this.doc.components.messages, messageKey, {
      name: 'configuration',
      title: 'Configuration change',
      summary: 'New values for some of the configuration parameters; the service re-registers with them',
      contentType: 'application/json',
      payload: {
        type: 'object',
        required: ['uuid', 'params'],
        properties: {
          uuid: { type: 'string', const: uuid },
          params: { type: 'object', properties },
        },
      },
    });
    put(messages, messageKey, { $ref: `#/components/messages/${messageKey}` });
    const operationKey = this.operationKeys.take(`${this.prefix(part)}receive-configuration`);
    put(this.doc.operations, operationKey, {
      action: 'receive',
      channel: { $ref: `#/channels/${channelKey}` },
      title: `${text(sd.name) || uuid} takes configuration changes`,
      messages: [{ $ref: `#/channels/${channelKey}/messages/${messageKey}` }],
    });
  }
}

/** A response event as the clients write it: an event @id, or (Java) the event object itself. */
function responseEvent(r: unknown, part: ServicePart, index: EventIndex): EventRef | undefined {
  if (typeof r === 'number') return index.byAtId.get(r);
  if (!isObject(r)) return undefined;
  if (typeof r.eventId === 'string') {
    const own = index.byEventId.get(part)?.get(r.eventId);
    if (own) return own;
    for (const events of index.byEventId.values()) if (events.has(r.eventId)) return events.get(r.eventId);
  }
  return typeof r['@id'] === 'number' ? index.byAtId.get(r['@id']) : undefined;
}
