import type { ConfigurationMessage, EventMessage, FunctionCallMessage, RegistrationBody } from '../protocol';

/*
 * A public type on its own: the declaration files a user's compiler reads for the broker must not
 * reach the session's (they import ws, whose types a user need not have installed).
 */

/** The events a {@link Broker} emits, with their argument. */
export interface BrokerEvents {
  /** A websocket session opened. */
  connection: [{ connectionId: string; sockJs: boolean; remoteAddress: string; path: string }];
  /** A service (or gateway sub-service) registered or re-registered. */
  registered: [{ uuid: string; name: string; selfDescription: RegistrationBody; connectionId: string; parent?: string }];
  /** An event was accepted (after `IO_PUBLISHED` was sent, before flows routed it). */
  event: [{ uuid: string; event: EventMessage; connectionId: string }];
  /** A `C` message was sent (by a flow, `callFunction` or REST). */
  call: [{ uuid: string; functionId: string; call: FunctionCallMessage; flowId?: string | number }];
  /** A `K` message was sent. */
  config: [{ uuid: string; config: ConfigurationMessage }];
  /** A websocket session closed; `uuids` are the services that went offline. */
  disconnected: [{ connectionId: string; code: number; reason: string; uuids: string[] }];
  /** A registration or event was refused with a NIO status, or an upgrade with an HTTP status. */
  rejected: [{ reason: string; status: string; connectionId?: string; uuid?: string }];
  /** A frame or message could not be understood. */
  protocolError: [{ connectionId: string; reason: string; excerpt?: string }];
  /** A flow produced a call that could not be delivered (target unknown or offline). */
  undeliverable: [{ flowId: string | number; uuid: string; functionId: string; correlationId?: string; reason: string }];
}
