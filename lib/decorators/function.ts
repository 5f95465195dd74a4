import { appendOwnMetadata, assertLegacyCall, FUNCTIONS_KEY, PARAMETERS_KEY } from './keys';
import type { TypeInput } from '../schema/type-ref';

/** Options of {@link MsbFunction}. */
export interface FunctionOptions {
  /** The function id on the wire; defaults to the method name. */
  id?: string;
  /** Display name; defaults to the id. */
  name?: string;
  /** Free text; defaults to `""`. */
  description?: string;
  /** Ids of this class's events that the function answers with. */
  responseEvents?: string[];
  /**
   * The payload type, where the `@Payload()` parameter's TypeScript type cannot say it
   * (arrays, INT32 vs DOUBLE), or when the method takes no payload parameter.
   */
  dataType?: TypeInput;
  /** The payload is an array of `dataType`. */
  isArray?: boolean;
}

/** What `@MsbFunction` records for one method. */
export interface FunctionDeclaration extends FunctionOptions {
  methodName: string;
}

/** Options of {@link Payload}. */
export interface PayloadOptions {
  /** The key in the call's `functionParameters`; defaults to `dataObject`, as the official clients use. */
  name?: string;
  /** The type, where the parameter's TypeScript type cannot say it. */
  dataType?: TypeInput;
  /** The parameter is an array of `dataType`. */
  isArray?: boolean;
}

/** What `@Payload`/`@CorrelationId` record for one method parameter. */
export type ParameterDeclaration =
  | { role: 'payload'; methodName: string; index: number; options: PayloadOptions }
  | { role: 'correlationId'; methodName: string; index: number };

/** Declares a method as an MSB function that integration flows can call. */
export function MsbFunction(options: FunctionOptions = {}): MethodDecorator {
  return (target, propertyKey) => {
    assertLegacyCall('@MsbFunction', propertyKey);
    appendOwnMetadata<FunctionDeclaration>(FUNCTIONS_KEY, { ...options, methodName: String(propertyKey) }, target.constructor);
  };
}

/**
 * Marks the parameter that receives the call's payload, transformed into its DTO class and
 * validated before the method runs. `@Payload('a')` binds `functionParameters.a` instead of
 * `functionParameters.dataObject`.
 */
export function Payload(nameOrOptions?: string | PayloadOptions): ParameterDecorator {
  const options = typeof nameOrOptions === 'string' ? { name: nameOrOptions } : { ...nameOrOptions };
  return (target, propertyKey, index) => {
    assertLegacyCall('@Payload', propertyKey);
    appendOwnMetadata<ParameterDeclaration>(PARAMETERS_KEY, { role: 'payload', methodName: String(propertyKey), index, options }, target.constructor);
  };
}

/** Marks the parameter that receives the call's correlation id (a string, or undefined). */
export function CorrelationId(): ParameterDecorator {
  return (target, propertyKey, index) => {
    assertLegacyCall('@CorrelationId', propertyKey);
    appendOwnMetadata<ParameterDeclaration>(PARAMETERS_KEY, { role: 'correlationId', methodName: String(propertyKey), index }, target.constructor);
  };
}
