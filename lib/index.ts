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
