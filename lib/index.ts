import 'reflect-metadata';

export * from './decorators';
export { DataType } from './schema/data-type';
export type { JsonSchema } from './schema/data-type';
export type { TypeInput, RawDataFormat, Class } from './schema/type-ref';
export type { DataFormat } from './schema/data-format-schema';
export { validate } from './schema/validate';
export type { ValidateOptions, ValidationResult } from './schema/validate';
export { selfDescriptionOf } from './metadata/self-description';
export { isServiceClass } from './metadata/read-service';
export type { SelfDescription, SelfDescriptionOptions } from './metadata/self-description';
export type { IdentityOptions } from './metadata/identity';
export { MsbError, MsbDeclarationError, MsbValidationError, MsbOptionsError } from './errors';
export { bootstrap } from './client/bootstrap';
export type { MsbApp } from './client/app';
export type { AppState, MsbAppEvents, FunctionCallInfo, AppCounters } from './client/app-events';
export type { BootstrapOptions, EventCacheOptions, InFlightOptions } from './client/options';
export type { ServiceClass, InstanceOptions, ServiceRuntimeOptions } from './client/service-options';
export type { SubService } from './client/service-set';
export type { DroppedEventInfo } from './client/publisher';
export type { ServiceCounters } from './client/service-counters';
export type { TlsOptions } from './client/connection';
export type { ReconnectOptions } from './client/backoff';
export type { Logger } from './client/logger';
export { serviceMetrics } from './client/metrics';
export type { MetricsSource } from './client/metrics';
export { PROMETHEUS_CONTENT_TYPE } from './util/prometheus';
export { respond } from './client/respond';
export type { ResponseEvent, RespondOptions } from './client/respond';
export {
  MsbRegistrationError, MsbConnectionError, MsbOfflineError, MsbClosedError, MsbPublishError, MsbFunctionError,
  MsbProtocolError, MsbConfigParamError, MsbConfigError, MsbConfigurationError, MsbOutboxError, MsbDroppedError, MsbTimeoutError, MsbHookError,
} from './errors';
export { asyncApiOf, asyncApiFromSelfDescriptions, toYaml, MsbAsyncApiError } from './asyncapi';
export type { AsyncApiOptions, AsyncApiDocument, AsyncApiDocumentOptions, AsyncApiServer } from './asyncapi';
