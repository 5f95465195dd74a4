import { configTypeOf } from '../schema/data-type';
import type { DataType } from '../schema/data-type';
import { coerceConfigValue, configAcceptor, configWireValue, inferConfigType } from '../schema/config-value';
import type { Coerced } from '../schema/config-value';
import { MsbDeclarationError } from '../errors';
import { resolveIdentity } from './identity';
import type { IdentityOptions } from './identity';
import { inspectService } from './read-service';
import type { ServiceIdentity, ServiceModel } from './model';

/** The self-description, exactly as it goes into the `R` message. */
export interface SelfDescription {
  '@class': 'SmartObject' | 'Application' | 'Gateway';
  uuid: string;
  name: string;
  description: string;
  token: string;
  events: Array<{ '@id': number; eventId: string; name: string; description: string; dataFormat?: Record<string, unknown> }>;
  functions: Array<{ functionId: string; name: string; description: string; dataFormat?: Record<string, unknown>; responseEvents?: number[] }>;
  configuration: { parameters: Record<string, { value: unknown; type: string; format?: string }> };
  /** A Gateway's sub-services, each a full self-description; their event `@id`s continue the gateway's. */
  services?: SelfDescription[];
}

/** Options of {@link selfDescriptionOf}. */
export interface SelfDescriptionOptions extends IdentityOptions {
  /**
   * The instance whose `@ConfigParam` properties give the current values. Default: a new
   * instance made with the class's no-argument constructor.
   */
  instance?: object;
}

/** A configuration parameter's resolved type and current value. */
export interface ConfigState {
  readonly name: string;
  readonly propertyKey: string;
  readonly dataType: DataType;
  /** Checks a new value (type and every rule on the property) and converts it to the property's value. */
  readonly accept: (value: unknown) => Coerced;
}

/**
 * Resolves each configuration parameter's type from the instance (declared, else inferred
 * from the initial value) and checks that the current value fits it.
 */
export function configStateOf(model: ServiceModel, instance: object, problems: string[]): ConfigState[] {
  const out: ConfigState[] = [];
  for (const p of model.configParams) {
    const at = `${model.className}.${p.propertyKey}`;
    const value = (instance as Record<string, unknown>)[p.propertyKey];
    const designType: unknown = Reflect.getMetadata('design:type', model.target.prototype, p.propertyKey);
    const dataType = inferConfigType(p.dataType, value, designType);
    if (!dataType) {
      problems.push(`${at}: cannot infer the configuration parameter's type from its initial value ${JSON.stringify(value)}; give @ConfigParam({ type })`);
      continue;
    }
    if (value === undefined || value === null) {
      problems.push(`${at}: configuration parameter "${p.name}" needs an initial value`);
      continue;
    }
    const coerced = coerceConfigValue(dataType, value);
    if (!coerced.ok) {
      problems.push(`${at}: initial value of configuration parameter "${p.name}" does not fit ${dataType}: ${coerced.reason}`);
      continue;
    }
    const accept = configAcceptor({ ...p, dataType }, model.target, p.propertyKey);
    const checked = accept(value);
    if (!checked.ok) {
      problems.push(`${at}: initial value of configuration parameter "${p.name}" ${checked.reason}`);
      continue;
    }
    out.push({ name: p.name, propertyKey: p.propertyKey, dataType, accept });
  }
  return out;
}

/**
 * Builds the self-description from a model, a resolved identity and the instance's values.
 * `firstAtId` numbers the events: a gateway's sub-services continue its sequence, as Java does.
 */
export function buildSelfDescription(model: ServiceModel, identity: ServiceIdentity, config: readonly ConfigState[], instance: object, firstAtId = 1): SelfDescription {
  const atIdOf = new Map(model.events.map((e) => [e.eventId, e.atId - 1 + firstAtId]));
  const parameters: SelfDescription['configuration']['parameters'] = {};
  for (const c of config) {
    const value = (instance as Record<string, unknown>)[c.propertyKey];
    // An initial value of "1200" for an INT32 goes out as the number, as its type says.
    const coerced = coerceConfigValue(c.dataType, value);
    parameters[c.name] = { value: configWireValue(c.dataType, coerced.ok ? coerced.value : value), ...configTypeOf(c.dataType) };
  }
  return {
    '@class': identity.kind,
    uuid: identity.uuid,
    name: identity.name,
    description: identity.description,
    token: identity.token,
    events: model.events.map((e) => ({
      '@id': atIdOf.get(e.eventId)!,
      eventId: e.eventId,
      name: e.name,
      description: e.description,
      ...(e.dataFormat ? { dataFormat: structuredClone(e.dataFormat) } : {}),
    })),
    functions: model.functions.map((f) => ({
      functionId: f.functionId,
      name: f.name,
      description: f.description,
      ...(f.dataFormat ? { dataFormat: structuredClone(f.dataFormat) } : {}),
      // The Python client omits an empty list; the MSB accepts that form.
      ...(f.responseEvents.length > 0 ? { responseEvents: f.responseEvents.map((id) => atIdOf.get(id)!) } : {}),
    })),
    configuration: { parameters },
    ...(identity.kind === 'Gateway' ? { services: [] } : {}),
  };
}

/**
 * The self-description of a decorated service class, exactly as it goes into the MSB
 * registration (`R`) message. Throws {@link MsbDeclarationError} listing every problem.
 *
 * @example
 * ```ts
 * console.log(JSON.stringify(selfDescriptionOf(Drill), null, 2));
 * ```
 */
export function selfDescriptionOf(target: Function, options: SelfDescriptionOptions = {}): SelfDescription {
  const { model, identity, config, instance } = loadService(target, options);
  return buildSelfDescription(model, identity, config, instance);
}

/** A service class read, its identity resolved and its instance made: what a self-description and a live service start from. */
export interface LoadedService {
  readonly model: ServiceModel;
  readonly identity: ServiceIdentity;
  readonly config: readonly ConfigState[];
  readonly instance: object;
}

/**
 * The one reading of a service class, for `selfDescriptionOf` and `bootstrap` alike: declaration,
 * identity and configuration problems go into one {@link MsbDeclarationError}, so one run shows
 * them all, and both report the same list.
 */
export function loadService(target: Function, options: SelfDescriptionOptions = {}): LoadedService {
  const inspection = inspectService(target);
  const { model } = inspection;
  const problems = [...inspection.problems];
  const { identity, problems: identityProblems } = resolveIdentity(model, options);
  if (inspection.decorated) problems.push(...identityProblems);
  let instance = options.instance;
  if (!instance) {
    try {
      instance = new (target as new () => object)();
    } catch (e) {
      problems.push(`${model.className}: cannot create an instance, its constructor threw (${(e as Error).message}); pass options.instance`);
    }
  }
  const config = instance ? configStateOf(model, instance, problems) : [];
  if (problems.length > 0) throw new MsbDeclarationError(model.className, problems);
  return { model, identity, config, instance: instance! };
}
