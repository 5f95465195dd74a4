import { MsbError } from '../errors';

/** A self-description cannot be turned into an AsyncAPI document; the message says which and why. */
export class MsbAsyncApiError extends MsbError {}
