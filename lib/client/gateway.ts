/*
 * A gateway's services changing at run time. The MSB refuses events of a service its last
 * registration did not list, as unauthorized, after every re-registration: so a removed
 * sub-service's events are delivered while the MSB still lists it, and those still waiting after
 * that (or put back by a connection loss) are dropped and reported, never sent.
 */
import type { LoadedService } from '../metadata/self-description';
import type { MsbError } from '../errors';
import type { Logger } from './logger';
import type { Publisher } from './publisher';
import type { ServiceRuntime } from './service-runtime';
import { loadSubService } from './service-set';
import type { ServiceSet, SubService } from './service-set';

/** What a gateway's membership changes need from the app. */
export interface GatewayHost {
  /** A runtime for a service that joins (under the app's host and options). */
  runtime(loaded: LoadedService): ServiceRuntime;
  /** Registers once more with the services as they are now, if connected. */
  reRegister(): void;
  report(error: MsbError): void;
}

export class GatewayMembership {
  /** Sub-services removed whose events may still be pending. */
  private readonly removed = new Set<string>();

  constructor(
    private readonly services: ServiceSet,
    private readonly publisher: Publisher,
    private readonly host: GatewayHost,
    private readonly options: { closeTimeoutMs: number; logger: Logger },
  ) {}

  /** Reads, checks and adds a sub-service, then registers with it. */
  add(service: SubService): ServiceRuntime {
    const loaded = loadSubService(service);
    this.services.check(loaded);
    const runtime = this.host.runtime(loaded);
    this.services.add(runtime);
    this.removed.delete(runtime.uuid);
    this.options.logger.info(`Gateway ${this.services.main.identity.name}: added ${loaded.identity.name} (${loaded.identity.uuid})`);
    this.host.reRegister();
    return runtime;
  }

  /** Stops a sub-service, delivers its events within `closeTimeoutMs`, removes it and registers without it. */
  async remove(uuid: string): Promise<boolean> {
    const runtime = this.services.get(uuid);
    if (!runtime || runtime === this.services.main) return false;
    await runtime.runHooks('close');
    runtime.stop(`service ${uuid} was removed from the gateway`);
    await runtime.idle();
    // Events of a service the MSB no longer lists would be refused: deliver them while it still does.
    await this.publisher.flush(this.options.closeTimeoutMs || undefined).catch((e: MsbError) => this.host.report(e));
    this.services.remove(uuid);
    this.removed.add(uuid);
    this.discardRemoved();
    this.options.logger.info(`Gateway ${this.services.main.identity.name}: removed ${runtime.identity.name} (${uuid})`);
    this.host.reRegister();
    return true;
  }

  /** Drops the pending events of removed sub-services (after a removal, and after each registration). */
  discardRemoved(): void {
    if (this.removed.size === 0) return;
    this.publisher.discardServices(this.removed);
    // Nothing pending at all: no event of a removed service can turn up again.
    if (this.publisher.pending === 0) this.removed.clear();
  }
}
