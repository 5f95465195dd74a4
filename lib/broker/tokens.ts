import { randomBytes } from 'node:crypto';

/**
 * Verification tokens handed out by the REST API (`POST /token/{owner}`). A token is bound to the
 * first service uuid that registers with it, so it cannot verify a second service.
 */
export class TokenStore {
  private readonly issued = new Map<string, { owner: string; boundTo?: string }>();

  /** A fresh random token for `owner`. */
  issue(owner: string): string {
    const token = randomBytes(12).toString('base64url');
    this.issued.set(token, { owner });
    return token;
  }

  /** Whether the broker issued `token`. */
  isIssued(token: unknown): boolean {
    return typeof token === 'string' && this.issued.has(token);
  }

  /**
   * Checks `token` for a registration of `uuid` and binds it on first use. Returns a problem
   * description, or undefined when the token verifies the service.
   */
  verify(token: unknown, uuid: string): string | undefined {
    if (typeof token !== 'string' || token === '') return 'no token given';
    const entry = this.issued.get(token);
    if (!entry) return 'the token was not issued by this broker';
    if (entry.boundTo !== undefined && entry.boundTo !== uuid) return `the token already verifies service ${entry.boundTo}`;
    entry.boundTo = uuid;
    return undefined;
  }

  /** The owner the token was issued for. */
  ownerOf(token: unknown): string | undefined {
    return typeof token === 'string' ? this.issued.get(token)?.owner : undefined;
  }
}
