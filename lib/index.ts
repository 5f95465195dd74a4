import 'reflect-metadata';

export * from './decorators';
export { DataType } from './schema/data-type';
export type { JsonSchema } from './schema/data-type';
export type { TypeInput, RawDataFormat, Class } from './schema/type-ref';
export type { DataFormat } from './schema/data-format-schema';
export { selfDescriptionOf } from './metadata/self-description';
export type { SelfDescription, SelfDescriptionOptions } from './metadata/self-description';
export type { IdentityOptions } from './metadata/identity';
export { MsbError, MsbDeclarationError, MsbValidationError, MsbConfigurationError } from './errors';
export { bootstrap } from './client/bootstrap';
export { MsbApp } from './client/app';
export type { AppState, MsbAppEvents, FunctionCallInfo, AppCounters } from './client/app';
export type { BootstrapOptions, EventCacheOptions, InFlightOptions } from './client/options';
export type { DroppedEventInfo } from './client/publisher';
export type { TlsOptions } from './client/connection';
export type { ReconnectOptions } from './client/backoff';
export type { Logger } from './client/logger';
export { respond } from './client/respond';
export type { ResponseEvent } from './client/respond';
export {
  MsbRegistrationError, MsbConnectionError, MsbOfflineError, MsbClosedError, MsbPublishError, MsbFunctionError,
  MsbProtocolError, MsbConfigError, MsbOutboxError, MsbDroppedError, MsbTimeoutError,
} from './errors';
export { startBroker } from './broker';
export type { Broker, BrokerOptions, BrokerEvents, FlowDefinition, ShortFlow } from './broker';
export { asyncApiOf, asyncApiFromSelfDescriptions, toYaml, MsbAsyncApiError } from './asyncapi';
export type { AsyncApiOptions, AsyncApiDocument, AsyncApiDocumentOptions, AsyncApiServer } from './asyncapi';
