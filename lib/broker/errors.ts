/** Why the broker could not deliver a call or configuration change. */
export type DeliveryFailure = 'UNKNOWN_SERVICE' | 'OFFLINE' | 'SEND_FAILED';

/** Raised (as a rejection) by `callFunction`/`setConfig` when nothing reached the service. */
export class DeliveryError extends Error {
  constructor(
    readonly code: DeliveryFailure,
    message: string,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}
