import { SERVICE_KEY, assertLegacyCall } from './keys';

/** The kinds of service the MSB knows; the value is the self-description's `@class`. */
export type ServiceKind = 'SmartObject' | 'Application' | 'Gateway';

/**
 * Identity of a service. Every field may instead come from `application.properties`
 * (`msb.uuid`, …) or the environment (`MSB_UUID`, …); see the README for the precedence.
 */
export interface ServiceOptions {
  /** The service's UUID (RFC 4122), stable across restarts. */
  uuid?: string;
  /** Display name; defaults to the class name. */
  name?: string;
  /** Free text shown in the MSB; defaults to `""`. */
  description?: string;
  /** The verification token issued by the MSB for this service. Never logged. */
  token?: string;
}

/** What `@SmartObject`/`@Application` record on the class. */
export interface ServiceDeclaration extends ServiceOptions {
  kind: ServiceKind;
}

function serviceDecorator(kind: ServiceKind, options: ServiceOptions = {}): ClassDecorator {
  return ((target: Function, context?: unknown) => {
    assertLegacyCall(`@${kind}`, context);
    const declaration: ServiceDeclaration = { kind, ...options };
    Reflect.defineMetadata(SERVICE_KEY, declaration, target);
  }) as ClassDecorator;
}

/**
 * Marks a class as an MSB smart object: a machine or device service.
 *
 * @example
 * ```ts
 * @SmartObject({ uuid: '76499d88-34cf-4836-8cc1-7e0d9c54dac1', name: 'Drill 7', token: '5e0d9c54dac1' })
 * class Drill { … }
 * ```
 */
export function SmartObject(options?: ServiceOptions): ClassDecorator {
  return serviceDecorator('SmartObject', options);
}

/** Marks a class as an MSB application: a software service (MES, ERP, dashboard …). */
export function Application(options?: ServiceOptions): ClassDecorator {
  return serviceDecorator('Application', options);
}

/**
 * Marks a class as an MSB gateway: one registration, over one connection, for itself and the
 * sub-services it manages (`bootstrap(MyGateway, { services: [...] })`, `app.addService(...)`).
 * The gateway may declare events, functions and configuration parameters of its own.
 *
 * @example
 * ```ts
 * @Gateway({ uuid: 'c0ffee00-0000-4000-8000-000000000001', name: 'Hall B', token: 'hall-b' })
 * class HallB {}
 * const app = await bootstrap(HallB, { url, services: [Drill, new Press(plc)] });
 * ```
 */
export function Gateway(options?: ServiceOptions): ClassDecorator {
  return serviceDecorator('Gateway', options);
}
