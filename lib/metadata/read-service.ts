import {
  CONFIG_LISTENERS_KEY, CONFIG_PARAMS_KEY, EVENTS_KEY, FUNCTIONS_KEY, LIFECYCLE_KEY, PARAMETERS_KEY, SERVICE_KEY,
} from '../decorators/keys';
import type { ServiceDeclaration } from '../decorators/service';
import type { EventDeclaration } from '../decorators/event';
import type { LifecycleDeclaration, LifecycleHook } from '../decorators/lifecycle';
import { classChain } from '../util/class-chain';
import { priorityNumber } from './priority';
import type { FunctionDeclaration, ParameterDeclaration } from '../decorators/function';
import type { ConfigParamDeclaration } from '../decorators/config-param';
import { isDataType } from '../schema/data-type';
import type { ConfigRules } from '../schema/config-rules';
import { DataFormatBuilder } from '../schema/data-format-builder';
import { MISSING_METADATA, MISSING_METADATA_TOPIC, arrayOf, toTypeRef } from '../schema/type-ref';
import type { TypeRef } from '../schema/type-ref';
import { DTO_PROPERTIES_KEY } from '../decorators/keys';
import type { PropertyDeclaration } from '../decorators/property';
import { classValidatorInUse } from '../schema/class-metadata';

function readConfigRules(target: Function, propertyKey: string, problem: (text: string) => void): ConfigRules {
  // config-rules brings class-validator with it; it is in use already when this runs.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('../schema/config-rules') as typeof import('../schema/config-rules')).readConfigRules(target, propertyKey, problem);
}
import type { ConfigParamModel, EventModel, FunctionModel, PayloadParameterModel, ServiceModel } from './model';

/** Own metadata lists of every class in the chain, base class entries first. */
function collect<T>(key: symbol, target: Function): T[] {
  return classChain(target).flatMap((c) => (Reflect.getOwnMetadata(key, c) as T[] | undefined) ?? []);
}

function typeOf(input: unknown, isArray: boolean | undefined, where: string, problems: string[]): TypeRef | undefined {
  const r = toTypeRef(input);
  if (!r.ok) {
    problems.push(`${where} ${r.problem}`);
    return undefined;
  }
  if (r.ref.kind === 'array' && isArray) return r.ref;
  return arrayOf(r.ref, isArray);
}

function readEvents(cls: string, target: Function, builder: DataFormatBuilder, problems: string[]): EventModel[] {
  const events: EventModel[] = [];
  const seen = new Map<string, string>();
  for (const d of collect<EventDeclaration>(EVENTS_KEY, target)) {
    const at = `${cls}.${d.propertyKey}`;
    const eventId = d.id ?? d.propertyKey;
    if (typeof eventId !== 'string' || eventId === '') { problems.push(`${at}: event id must be a non-empty string`); continue; }
    if (seen.has(eventId)) { problems.push(`${at}: duplicate event id "${eventId}" (also on ${seen.get(eventId)})`); continue; }
    seen.set(eventId, at);
    const priority = d.priority === undefined ? 0 : priorityNumber(d.priority);
    if (priority === undefined) problems.push(`${at}: priority ${JSON.stringify(d.priority)} is not LOW, MEDIUM, HIGH, 0, 1 or 2`);
    let type: TypeRef | undefined;
    if (d.dataType !== undefined) type = typeOf(d.dataType, d.isArray, `${at}: the event's dataType`, problems);
    else if (d.isArray) problems.push(`${at}: isArray is set but dataType is missing, so the array's element type is unknown`);
    const dataFormat = type ? builder.build({ dataObject: type }, 'event', `${at} (event ${eventId})`) : undefined;
    events.push({
      atId: events.length + 1,
      eventId,
      propertyKey: d.propertyKey,
      name: d.name ?? eventId,
      description: d.description ?? '',
      priority: priority ?? 0,
      type,
      dataFormat,
    });
  }
  return events;
}

function readPayload(cls: string, target: Function, d: FunctionDeclaration, params: ParameterDeclaration[], problems: string[]): PayloadParameterModel[] {
  const at = `${cls}.${d.methodName}`;
  const paramTypes: unknown[] = Reflect.getMetadata('design:paramtypes', target.prototype, d.methodName) ?? [];
  const payloadParams = params.filter((p): p is Extract<ParameterDeclaration, { role: 'payload' }> => p.role === 'payload').sort((a, b) => a.index - b.index);
  const payload: PayloadParameterModel[] = [];
  const keys = new Set<string>();
  if (payloadParams.length === 0 && d.dataType !== undefined) {
    const type = typeOf(d.dataType, d.isArray, `${at}: the function's dataType`, problems);
    if (type) payload.push({ key: 'dataObject', type });
  }
  if (payloadParams.length > 1 && d.dataType !== undefined) {
    problems.push(`${at}: dataType on @MsbFunction is ambiguous with ${payloadParams.length} @Payload parameters; give each @Payload({ dataType }) instead`);
  }
  for (const p of payloadParams) {
    const key = p.options.name ?? 'dataObject';
    const where = `${at}: @Payload parameter ${p.index}${p.options.name ? ` ("${key}")` : ''}`;
    if (keys.has(key)) { problems.push(`${where}: two @Payload parameters bind the same key "${key}"`); continue; }
    keys.add(key);
    const explicit = p.options.dataType ?? (payloadParams.length === 1 ? d.dataType : undefined);
    // An array parameter with an explicit element type needs no isArray: the reflected Array says it.
    const isArray = (p.options.dataType !== undefined ? p.options.isArray : d.isArray) ?? (explicit !== undefined && paramTypes[p.index] === Array);
    let type: TypeRef | undefined;
    if (explicit !== undefined) type = typeOf(explicit, isArray, where, problems);
    else if (paramTypes[p.index] === Array) problems.push(`${where} is an array whose element type is unknown: give dataType and isArray`);
    else if (!Reflect.hasMetadata('design:paramtypes', target.prototype, d.methodName)) {
      problems.push(`${where} has no TypeScript type metadata (design:paramtypes), so its type is unknown: give @Payload({ dataType }), or see the note on ${MISSING_METADATA_TOPIC}`);
      if (!problems.includes(MISSING_METADATA)) problems.push(MISSING_METADATA);
    } else if (paramTypes[p.index] === undefined) {
      problems.push(`${where} has no reflected type (TypeScript records none for some type expressions, such as InstanceType<…>): give @Payload({ dataType })`);
    }
    else type = typeOf(paramTypes[p.index], isArray, where, problems);
    if (type) payload.push({ index: p.index, key, type });
  }
  return payload;
}

function readFunctions(cls: string, target: Function, events: readonly EventModel[], builder: DataFormatBuilder, problems: string[]): FunctionModel[] {
  const functions: FunctionModel[] = [];
  const seen = new Map<string, string>();
  const allParams = collect<ParameterDeclaration>(PARAMETERS_KEY, target);
  const declarations = collect<FunctionDeclaration>(FUNCTIONS_KEY, target);
  for (const p of allParams) {
    if (!declarations.some((d) => d.methodName === p.methodName)) {
      problems.push(`${cls}.${p.methodName}: @${p.role === 'payload' ? 'Payload' : 'CorrelationId'} is on a method without @MsbFunction`);
    }
  }
  for (const d of declarations) {
    const at = `${cls}.${d.methodName}`;
    const functionId = d.id ?? d.methodName;
    if (typeof functionId !== 'string' || functionId === '') { problems.push(`${at}: function id must be a non-empty string`); continue; }
    // A call for "/x" reaches "x" and the other way round, so the two would be ambiguous.
    const bare = functionId.replace(/^\//, '');
    if (seen.has(bare)) { problems.push(`${at}: duplicate function id "${functionId}" (also on ${seen.get(bare)})`); continue; }
    seen.set(bare, at);
    if (typeof (target.prototype as Record<string, unknown>)[d.methodName] !== 'function') problems.push(`${at}: @MsbFunction is not on a method`);
    const params = allParams.filter((p) => p.methodName === d.methodName);
    const payload = readPayload(cls, target, d, params, problems);
    const correlation = params.filter((p) => p.role === 'correlationId');
    if (correlation.length > 1) problems.push(`${at}: more than one @CorrelationId parameter`);
    const method = (target.prototype as Record<string, unknown>)[d.methodName];
    const paramTypes = Reflect.getMetadata('design:paramtypes', target.prototype, d.methodName) as unknown[] | undefined;
    const arity = paramTypes?.length ?? (typeof method === 'function' ? method.length : 0);
    for (let i = 0; i < arity; i++) {
      if (!params.some((p) => p.index === i)) problems.push(`${at}: parameter ${i} has neither @Payload() nor @CorrelationId(), so it would always receive undefined`);
    }
    const responseEvents = [...(d.responseEvents ?? [])];
    for (const id of responseEvents) {
      if (!events.some((e) => e.eventId === id)) problems.push(`${at}: response event "${id}" is not an event of ${cls}`);
    }
    const dataFormat = payload.length > 0
      ? builder.build(Object.fromEntries(payload.map((p) => [p.key, p.type])), 'function', `${at} (function ${functionId})`)
      : undefined;
    functions.push({
      functionId,
      methodName: d.methodName,
      name: d.name ?? functionId,
      description: d.description ?? '',
      payload,
      correlationIdIndex: correlation[0]?.index,
      responseEvents,
      dataFormat,
    });
  }
  return functions;
}

function readConfigParams(cls: string, target: Function, problems: string[]): ConfigParamModel[] {
  const params: ConfigParamModel[] = [];
  for (const d of collect<ConfigParamDeclaration>(CONFIG_PARAMS_KEY, target)) {
    const at = `${cls}.${d.propertyKey}`;
    const name = d.name ?? d.propertyKey;
    if (params.some((p) => p.name === name)) { problems.push(`${at}: duplicate configuration parameter "${name}"`); continue; }
    if (d.type !== undefined && !isDataType(d.type)) { problems.push(`${at}: configuration type ${JSON.stringify(d.type)} is not a DataType`); continue; }
    const property = collect<PropertyDeclaration>(DTO_PROPERTIES_KEY, target).filter((p) => p.propertyKey === d.propertyKey).pop();
    let dataType = d.type;
    if (property?.dataType !== undefined) {
      if (!isDataType(property.dataType) || property.isArray) { problems.push(`${at}: @Property on a configuration parameter must give one DataType (a parameter is a single simple value)`); continue; }
      if (dataType !== undefined && dataType !== property.dataType) { problems.push(`${at}: @ConfigParam type ${dataType} and @Property type ${property.dataType} disagree`); continue; }
      dataType = property.dataType;
    }
    // Only a class that class-validator has seen can carry its rules; a service without it does not load it.
    const rules = classValidatorInUse()
      ? readConfigRules(target, d.propertyKey, (text) => problems.push(`${at}: configuration parameter "${name}" ${text}`))
      : { keywords: {}, hasExtraRules: false, covered: new Set<string>() };
    params.push({ name, propertyKey: d.propertyKey, dataType, inferred: dataType === undefined, ...rules });
  }
  return params;
}

function readLifecycle(cls: string, target: Function, problems: string[]): Record<LifecycleHook, string[]> {
  const out: Record<LifecycleHook, string[]> = { registered: [], disconnected: [], close: [] };
  for (const d of collect<LifecycleDeclaration>(LIFECYCLE_KEY, target)) {
    if (typeof (target.prototype as Record<string, unknown>)[d.methodName] !== 'function') {
      problems.push(`${cls}.${d.methodName}: a lifecycle decorator is not on a method`);
      continue;
    }
    // An overriding method decorated again in a subclass runs once.
    if (!out[d.hook].includes(d.methodName)) out[d.hook].push(d.methodName);
  }
  return out;
}

/** What {@link inspectService} found: the model as far as it could be read, and the problems. */
export interface ServiceInspection {
  readonly model: ServiceModel;
  readonly problems: readonly string[];
  /** Whether the class carries `@SmartObject`/`@Application`; its identity means nothing otherwise. */
  readonly decorated: boolean;
}

/**
 * Whether `value` is a class decorated with `@SmartObject`, `@Application` or `@Gateway`, or
 * extends one: how a tool finds the services among a module's exports (`msb describe` does).
 * Whether the declaration is valid is {@link selfDescriptionOf}'s to say.
 *
 * @example
 * ```ts
 * const services = Object.values(await import('./dist/drill.js')).filter(isServiceClass);
 * ```
 */
export function isServiceClass(value: unknown): value is Function {
  return typeof value === 'function' && Reflect.getMetadata(SERVICE_KEY, value) !== undefined;
}

/**
 * Reads a service class without throwing, so that a caller that checks more (the identity,
 * the config values) can report those problems together with the declaration's.
 */
export function inspectService(target: Function): ServiceInspection {
  const cls = target.name || '(anonymous class)';
  const problems: string[] = [];
  // getMetadata walks the constructor's prototype chain, so a subclass inherits the decorator.
  const declaration = Reflect.getMetadata(SERVICE_KEY, target) as ServiceDeclaration | undefined;
  if (!declaration) problems.push(`${cls} is not decorated with @SmartObject, @Application or @Gateway`);
  const builder = new DataFormatBuilder(problems);
  const events = readEvents(cls, target, builder, problems);
  const functions = readFunctions(cls, target, events, builder, problems);
  const configParams = readConfigParams(cls, target, problems);
  const configListeners = [...new Set(collect<string>(CONFIG_LISTENERS_KEY, target))];
  if (configListeners.length > 1) problems.push(`${cls}: more than one @OnConfigChange method (${configListeners.join(', ')})`);
  const lifecycle = readLifecycle(cls, target, problems);
  const { kind, ...declaredIdentity } = declaration ?? { kind: 'SmartObject' as const };
  const model: ServiceModel = { target, className: cls, kind, declaredIdentity, events, functions, configParams, configListeners, lifecycle };
  return { model, problems, decorated: declaration !== undefined };
}
