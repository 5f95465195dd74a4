import { loadService } from '../metadata/self-description';
import type { LoadedService, SelfDescription } from '../metadata/self-description';
import { MsbOptionsError, MsbDeclarationError } from '../errors';
import type { ServiceRuntime } from './service-runtime';

/** A gateway sub-service: a decorated `@SmartObject`/`@Application` class, or an instance of one. */
export type SubService = (abstract new (...args: never[]) => object) | object;

/**
 * Reads a gateway sub-service as `bootstrap` reads a service. Its identity comes from its
 * decorator only: `MSB_UUID` and `application.properties` name the gateway, not its services.
 * @throws {MsbDeclarationError} for a wrongly declared class, a nested Gateway.
 */
export function loadSubService(service: SubService): LoadedService {
  const isClass = typeof service === 'function';
  const target = isClass ? service : (service as object).constructor;
  const loaded = loadService(target, { env: false, propertiesFile: false, ...(isClass ? {} : { instance: service as object }) });
  if (loaded.identity.kind === 'Gateway') {
    throw new MsbDeclarationError(loaded.model.className, [`${loaded.model.className} is a @Gateway: a gateway's sub-services are SmartObjects or Applications`]);
  }
  return loaded;
}

/**
 * The services of one connection: the main one (a plain service or a gateway) and the gateway's
 * sub-services, found by uuid. One registration describes them all.
 */
export class ServiceSet {
  private readonly subs = new Map<string, ServiceRuntime>();

  constructor(readonly main: ServiceRuntime) {}

  /** The main service and the sub-services, in the order they were added. */
  all(): ServiceRuntime[] {
    return [this.main, ...this.subs.values()];
  }

  /** The service a `C` or `K` message addressed to `uuid` is for; no uuid means the main one. */
  get(uuid: string | undefined): ServiceRuntime | undefined {
    if (uuid === undefined || uuid === '' || uuid === this.main.uuid) return this.main;
    return this.subs.get(uuid);
  }

  /** Checks that a sub-service may join (the main service is a gateway, its uuid is new), without adding it. */
  check(loaded: LoadedService): void {
    if (this.main.identity.kind !== 'Gateway') {
      throw new MsbOptionsError(`${this.main.model.className} is not a @Gateway: only a gateway has sub-services (${loaded.model.className} was given)`);
    }
    const uuid = loaded.identity.uuid;
    const holder = uuid === this.main.uuid ? this.main : this.subs.get(uuid);
    if (holder) throw new MsbOptionsError(`${loaded.model.className} has uuid ${uuid}, which ${holder.model.className} has already in gateway ${this.main.identity.name}`);
  }

  add(runtime: ServiceRuntime): void {
    this.subs.set(runtime.uuid, runtime);
  }

  /** Removes a sub-service; the main service cannot be removed. */
  remove(uuid: string): ServiceRuntime | undefined {
    const runtime = this.subs.get(uuid);
    this.subs.delete(uuid);
    return runtime;
  }

  /**
   * The registration: the main service's self-description, with a gateway's sub-services under
   * `services`. Event `@id`s continue across sub-services as the Java client numbers them (the
   * C# client leaves sub-service ids at 0), so every `responseEvents` entry names one event.
   */
  selfDescription(): SelfDescription {
    const top = this.main.selfDescription(1);
    if (this.main.identity.kind !== 'Gateway') return top;
    let next = 1 + this.main.model.events.length;
    top.services = [...this.subs.values()].map((s) => {
      const d = s.selfDescription(next);
      next += s.model.events.length;
      return d;
    });
    return top;
  }
}
