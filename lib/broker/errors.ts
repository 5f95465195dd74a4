import { MsbError } from '../errors';

/**
 * Why the broker could not deliver a call or configuration change. `BAD_MESSAGE`: the message
 * could not be encoded (no JSON, nested deeper than a client's parser accepts, or larger than `maxCallBytes`).
 */
export type DeliveryFailure = 'UNKNOWN_SERVICE' | 'OFFLINE' | 'SEND_FAILED' | 'BAD_MESSAGE';

/** Raised (as a rejection) by `callFunction`/`setConfig` when nothing reached the service. */
export class DeliveryError extends MsbError {
  constructor(
    readonly code: DeliveryFailure,
    message: string,
  ) {
    super(message);
  }
}

/** The dashboard's files are not where the package puts them (`startBroker` with `dashboard` on). */
export class DashboardFilesError extends MsbError {}
