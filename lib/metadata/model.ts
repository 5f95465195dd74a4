import type { ServiceKind } from '../decorators/service';
import type { LifecycleHook } from '../decorators/lifecycle';
import type { DataType, JsonSchema } from '../schema/data-type';
import type { DataFormat } from '../schema/data-format-schema';
import type { TypeRef } from '../schema/type-ref';

/**
 * The one plain model of a service class that everything after the decorators works from:
 * the self-description, the validators and the runtime's dispatch. Built by `inspectService`.
 */
export interface ServiceModel {
  readonly target: Function;
  readonly className: string;
  /** From `@SmartObject`/`@Application`; identity fields may still be overridden. */
  readonly kind: ServiceKind;
  readonly declaredIdentity: Readonly<Partial<ServiceIdentity>>;
  readonly events: readonly EventModel[];
  readonly functions: readonly FunctionModel[];
  readonly configParams: readonly ConfigParamModel[];
  /** Methods marked `@OnConfigChange()`. */
  readonly configListeners: readonly string[];
  /** Methods marked `@OnRegistered()`, `@OnDisconnected()`, `@OnClose()`, base class first. */
  readonly lifecycle: Readonly<Record<LifecycleHook, readonly string[]>>;
}

/** Who a service is on the MSB. */
export interface ServiceIdentity {
  kind: ServiceKind;
  uuid: string;
  name: string;
  description: string;
  token: string;
  /** `msb.url` / `MSB_URL`, when given; used by `bootstrap` when no url option is passed. */
  url?: string;
}

export interface EventModel {
  /** 1-based, in declaration order (base class first). */
  readonly atId: number;
  readonly eventId: string;
  readonly propertyKey: string;
  readonly name: string;
  readonly description: string;
  /** 0 (LOW), 1 (MEDIUM) or 2 (HIGH). */
  readonly priority: 0 | 1 | 2;
  /** Undefined: the event carries no payload. */
  readonly type?: TypeRef;
  readonly dataFormat?: DataFormat;
}

export interface PayloadParameterModel {
  /** Position in the method's parameter list; undefined when the method has no such parameter. */
  readonly index?: number;
  /** Key in `functionParameters`. */
  readonly key: string;
  readonly type: TypeRef;
}

export interface FunctionModel {
  readonly functionId: string;
  readonly methodName: string;
  readonly name: string;
  readonly description: string;
  readonly payload: readonly PayloadParameterModel[];
  readonly correlationIdIndex?: number;
  /** Event ids, in the order given. */
  readonly responseEvents: readonly string[];
  readonly dataFormat?: DataFormat;
}

export interface ConfigParamModel {
  readonly name: string;
  readonly propertyKey: string;
  /** Declared, or inferred when the class was read (then `inferred` is true). */
  readonly dataType?: DataType;
  readonly inferred: boolean;
  /**
   * Keywords from class-validator decorators on the property (`minimum`, `pattern` …), checked on
   * every change. The self-description has no place for them: only run-time checks see them.
   */
  readonly keywords: JsonSchema;
  /** Some class-validator rule on the property has no keyword: class-validator checks it too. */
  readonly hasExtraRules: boolean;
  /** The class-validator constraint names that the keywords and the type stand for. */
  readonly covered: ReadonlySet<string>;
}
