/**
 * The local MSB broker: `startBroker(options)` and the types of its options, events and errors.
 * Its internals (flow compilation, JSON pointers, the self-description checker) are not part of
 * the public surface.
 */
export { startBroker } from './broker';
export type { Broker, BrokerEvents, MsbPortUrls } from './broker';
export type { BrokerOptions, BrokerLogger, BrokerStats, MsbPorts, ServiceInfo } from './options';
export { DEFAULT_LIMITS } from './limits';
export type { BrokerLimits } from './limits';
export { DashboardFilesError, DeliveryError } from './errors';
export type { DeliveryFailure } from './errors';
export { FlowError } from './flow-compiler';
export { FlowLimitError } from './flows';
export { CallTooLargeError } from './flow-mapping';
export type { FlowDefinition, ShortFlow, Mapping, Route } from './flow-compiler';
export type { StreamedEvent } from './event-stream';
