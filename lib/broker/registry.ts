import type { DescribedService } from './self-description';

/** What the registry needs of a websocket session. */
export interface ServiceOwner {
  readonly id: string;
  /** Whether the session can still deliver messages. */
  isOpen(): boolean;
}

/** A registered service as the broker keeps it. */
export interface ServiceRecord extends DescribedService {
  /** Registered with a token this broker issued (REST `lifecycleState: VERIFIED`). */
  verified: boolean;
  /** The session that registered it; undefined once it disconnected. */
  owner?: ServiceOwner;
  registeredAt: Date;
}

/** uuid → service, and which session owns which uuid. */
export class Registry {
  private readonly services = new Map<string, ServiceRecord>();

  get(uuid: string): ServiceRecord | undefined {
    return this.services.get(uuid);
  }

  /** A service by uuid, else by name (connected ones first), as the short flow form allows either. */
  resolve(uuidOrName: string): ServiceRecord | undefined {
    const byUuid = this.services.get(uuidOrName);
    if (byUuid) return byUuid;
    let offline: ServiceRecord | undefined;
    for (const s of this.services.values()) {
      if (s.name !== uuidOrName) continue;
      if (s.owner?.isOpen()) return s;
      offline ??= s;
    }
    return offline;
  }

  list(): ServiceRecord[] {
    return [...this.services.values()];
  }

  /** The first of `uuids` held by a live session other than `owner`. */
  conflict(uuids: string[], owner: ServiceOwner): string | undefined {
    return uuids.find((u) => {
      const s = this.services.get(u);
      return s?.owner !== undefined && s.owner !== owner && s.owner.isOpen();
    });
  }

  /** Stores (or replaces) the services of one registration as owned by `owner`. */
  register(described: DescribedService[], owner: ServiceOwner, verified: boolean): ServiceRecord[] {
    return described.map((d) => {
      const record: ServiceRecord = {
        ...d,
        verified,
        owner,
        registeredAt: new Date(),
      };
      this.services.set(d.uuid, record);
      return record;
    });
  }

  /** Whether `owner` registered `uuid` and still holds it. */
  owns(owner: ServiceOwner, uuid: string): boolean {
    return this.services.get(uuid)?.owner === owner;
  }

  /** Marks every service of `owner` offline; returns their uuids. */
  release(owner: ServiceOwner): string[] {
    const out: string[] = [];
    for (const s of this.services.values()) {
      if (s.owner === owner) {
        s.owner = undefined;
        out.push(s.uuid);
      }
    }
    return out;
  }

  /** Forgets a service (REST DELETE); the session keeps running but no longer holds it. */
  delete(uuid: string): boolean {
    return this.services.delete(uuid);
  }
}
