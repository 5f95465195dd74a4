import { appendOwnMetadata, assertLegacyCall, DTO_OPTIONS_KEY, DTO_PROPERTIES_KEY } from './keys';
import type { TypeInput } from '../schema/type-ref';

/** Options of {@link Property}. */
export interface PropertyOptions {
  /** The field is an array of the given type. */
  isArray?: boolean;
  /** Shown in the data format as the field's `description`. */
  description?: string;
}

/** What `@Property` records for one DTO field. */
export interface PropertyDeclaration extends PropertyOptions {
  propertyKey: string;
  dataType?: TypeInput;
}

/**
 * Types a DTO field where TypeScript cannot: `@Property(DataType.FLOAT)`,
 * `@Property(DataType.INT64)`, `@Property(MyModule, { isArray: true })`. Without a type it
 * only makes the field visible, typed from its TypeScript type.
 */
export function Property(dataType?: TypeInput, options: PropertyOptions = {}): PropertyDecorator {
  return (target, propertyKey) => {
    assertLegacyCall('@Property', propertyKey);
    appendOwnMetadata<PropertyDeclaration>(DTO_PROPERTIES_KEY, { ...options, dataType, propertyKey: String(propertyKey) }, target.constructor);
  };
}

/** Options of {@link Dto}. */
export interface DtoOptions {
  /** The definition name in data formats; defaults to the class name. */
  name?: string;
  /**
   * Emit a `required` list: `true` lists every field not marked `@IsOptional()`, or give the
   * names. Off by default, as in the official clients' data formats.
   */
  required?: boolean | string[];
}

/** Optional class decorator for DTOs: renames the definition or opts in to `required`. */
export function Dto(options: DtoOptions): ClassDecorator {
  return ((target: Function, context?: unknown) => {
    assertLegacyCall('@Dto', context);
    Reflect.defineMetadata(DTO_OPTIONS_KEY, { ...options }, target);
  }) as ClassDecorator;
}
