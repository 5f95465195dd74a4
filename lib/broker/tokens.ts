import { randomBytes, timingSafeEqual } from 'node:crypto';

/** Constant-time string comparison, so a token cannot be guessed from answer times. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Verification tokens handed out by the REST API (`POST /token/{owner}`), and which service
 * uuid each one verifies. A uuid, once verified, stays bound to its token for the life of the
 * broker (even after its record is deleted or forgotten), so nobody without that token can
 * register it again. Bounded: at most `max` tokens are ever issued.
 */
export class TokenStore {
  private readonly issued = new Map<string, { owner: string; boundTo?: string }>();
  private readonly tokenOfUuid = new Map<string, string>();
  private readonly ownersIssued = new Set<string>();

  constructor(private readonly max: number) {}

  get size(): number {
    return this.issued.size;
  }

  /** A fresh random token for `owner`, or undefined when `max` tokens were issued already. */
  issue(owner: string): string | undefined {
    if (this.issued.size >= this.max) return undefined;
    const token = randomBytes(12).toString('base64url');
    this.issued.set(token, { owner });
    this.ownersIssued.add(owner);
    return token;
  }

  /** Whether the broker issued `token`. */
  isIssued(token: unknown): boolean {
    return typeof token === 'string' && this.issued.has(token);
  }

  /** Whether `uuid` is bound to a token (or tokens were issued in its name), so only that token registers it. */
  isClaimed(uuid: string): boolean {
    return this.tokenOfUuid.has(uuid) || this.ownersIssued.has(uuid);
  }

  /**
   * Checks `token` for a registration of `uuid`: the token `uuid` is bound to; else a token
   * issued for `uuid` itself, when there is one; else any issued token not yet bound. Binds
   * on success. Returns a problem description (naming no secret), or undefined.
   */
  verify(token: unknown, uuid: string): string | undefined {
    const bound = this.tokenOfUuid.get(uuid);
    if (bound !== undefined) {
      return typeof token === 'string' && sameSecret(bound, token) ? undefined : `service ${uuid} is bound to the token it was first verified with, and this is another`;
    }
    if (typeof token !== 'string' || token === '') return 'no token given';
    const entry = this.issued.get(token);
    if (!entry) return 'the token was not issued by this broker';
    if (entry.boundTo !== undefined && entry.boundTo !== uuid) return 'the token already verifies another service';
    if (this.ownersIssued.has(uuid) && entry.owner !== uuid) return `tokens were issued for ${uuid}; only one of those registers it`;
    entry.boundTo = uuid;
    this.tokenOfUuid.set(uuid, token);
    return undefined;
  }
}
