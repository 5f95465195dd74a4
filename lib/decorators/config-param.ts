import { appendOwnMetadata, assertLegacyCall, CONFIG_LISTENERS_KEY, CONFIG_PARAMS_KEY } from './keys';
import type { DataType } from '../schema/data-type';

/** Options of {@link ConfigParam}. */
export interface ConfigParamOptions {
  /** The parameter name in the MSB; defaults to the property name. */
  name?: string;
  /**
   * The type. Without it: a boolean, string or Date initial value gives BOOLEAN, STRING or
   * DATETIME; a whole number gives INT64 and any other number DOUBLE; a Buffer gives BYTE.
   */
  type?: DataType;
}

/** What `@ConfigParam` records for one property. */
export interface ConfigParamDeclaration extends ConfigParamOptions {
  propertyKey: string;
}

/**
 * Declares a configuration parameter that an operator can change at run time. Put it on a
 * property with an initial value; the property always holds the current value.
 */
export function ConfigParam(options: ConfigParamOptions = {}): PropertyDecorator {
  return (target, propertyKey) => {
    assertLegacyCall('@ConfigParam', propertyKey);
    appendOwnMetadata<ConfigParamDeclaration>(CONFIG_PARAMS_KEY, { ...options, propertyKey: String(propertyKey) }, target.constructor);
  };
}

/**
 * Marks the method called after configuration parameters changed, with the changed
 * properties and their new values (keyed by property name).
 */
export function OnConfigChange(): MethodDecorator {
  return (target, propertyKey) => {
    assertLegacyCall('@OnConfigChange', propertyKey);
    appendOwnMetadata<string>(CONFIG_LISTENERS_KEY, String(propertyKey), target.constructor);
  };
}
