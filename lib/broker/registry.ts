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
  /** Size of the registration message it came in (0 for gateway sub-services: counted with their gateway). */
  bytes: number;
}

/** Why {@link Registry.register} refused. */
export interface RegistryFull {
  full: 'services' | 'bytes';
  message: string;
}

/**
 * uuid → service, and which session owns which uuid. Bounded by a number of services and a
 * total size of self-descriptions: services offline longest are forgotten first to make room.
 */
export class Registry {
  private readonly services = new Map<string, ServiceRecord>();
  /** Offline services in the order they went offline (a Map keeps insertion order). */
  private readonly offline = new Map<string, true>();
  private totalBytes = 0;
  /** Services forgotten to make room. */
  evicted = 0;

  constructor(
    private readonly maxServices: number,
    private readonly maxBytes: number,
    private readonly onEvict: (uuid: string) => void = () => undefined,
  ) {}

  get size(): number {
    return this.services.size;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  get onlineCount(): number {
    return this.services.size - this.offline.size;
  }

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

  /**
   * Stores (or replaces) the services of one registration as owned by `owner`; `bytes` is the
   * size of the registration message. Forgets offline services, oldest first, while the limits
   * would be exceeded; refuses when that is not enough.
   */
  register(described: DescribedService[], owner: ServiceOwner, verified: boolean, bytes: number): ServiceRecord[] | RegistryFull {
    const incoming = new Set(described.map((d) => d.uuid));
    const parentUuid = described[0].uuid;
    let replacedBytes = 0;
    let added = 0;
    for (const u of incoming) {
      const old = this.services.get(u);
      if (old) replacedBytes += old.bytes;
      else added++;
    }
    // sub-services of the gateway that the new registration no longer lists are dropped with it
    const dropped: string[] = [];
    if (this.services.get(parentUuid)?.class === 'Gateway') {
      for (const s of this.services.values()) {
        if (s.parent === parentUuid && !incoming.has(s.uuid)) dropped.push(s.uuid);
      }
    }
    const fits = (): boolean =>
      this.services.size - dropped.length + added <= this.maxServices && this.totalBytes - replacedBytes + bytes <= this.maxBytes;
    for (const victim of this.offline.keys()) {
      if (fits()) break;
      if (incoming.has(victim) || dropped.includes(victim)) continue;
      const v = this.services.get(victim);
      if (v?.parent !== undefined && incoming.has(v.parent)) continue;
      this.forget(victim, true);
    }
    if (!fits()) {
      return this.services.size - dropped.length + added > this.maxServices
        ? { full: 'services', message: `the broker holds its maximum of ${this.maxServices} services, all of them online` }
        : { full: 'bytes', message: `the self-descriptions held would exceed ${this.maxBytes} bytes, and every service held is online` };
    }
    for (const u of dropped) this.forget(u, false);
    return described.map((d, i) => {
      const old = this.services.get(d.uuid);
      if (old) this.totalBytes -= old.bytes;
      const record: ServiceRecord = { ...d, verified, owner, registeredAt: new Date(), bytes: i === 0 ? bytes : 0 };
      this.totalBytes += record.bytes;
      this.services.set(d.uuid, record);
      this.offline.delete(d.uuid);
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
        this.offline.set(s.uuid, true);
        out.push(s.uuid);
      }
    }
    return out;
  }

  /**
   * Forgets an offline service and its gateway sub-services (REST DELETE). A service a live
   * session holds is not forgotten: its session could otherwise keep using it unrecorded while
   * someone else registers the uuid.
   */
  delete(uuid: string): 'deleted' | 'online' | 'unknown' {
    const s = this.services.get(uuid);
    if (!s) return 'unknown';
    if (s.owner?.isOpen()) return 'online';
    this.forget(uuid, false);
    return 'deleted';
  }

  /** Forgets a service even while a session holds it (see Broker.forgetService). */
  forceDelete(uuid: string): boolean {
    if (!this.services.has(uuid)) return false;
    this.forget(uuid, false);
    return true;
  }

  private forget(uuid: string, evicted: boolean): void {
    const s = this.services.get(uuid);
    if (!s) return;
    this.services.delete(uuid);
    this.offline.delete(uuid);
    this.totalBytes -= s.bytes;
    if (evicted) {
      this.evicted++;
      this.onEvict(uuid);
    }
    if (s.class === 'Gateway') for (const sub of [...this.services.values()]) if (sub.parent === uuid) this.forget(sub.uuid, evicted);
  }
}
