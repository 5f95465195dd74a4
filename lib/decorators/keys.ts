import 'reflect-metadata';
/**
 * Reflect-metadata keys under which the decorators record what they were told. The
 * decorators write them; lib/metadata reads them. Nothing else touches them.
 */
export const SERVICE_KEY = Symbol.for('msb-decorators:service');
export const EVENTS_KEY = Symbol.for('msb-decorators:events');
export const FUNCTIONS_KEY = Symbol.for('msb-decorators:functions');
export const PARAMETERS_KEY = Symbol.for('msb-decorators:function-parameters');
export const CONFIG_PARAMS_KEY = Symbol.for('msb-decorators:config-params');
export const CONFIG_LISTENERS_KEY = Symbol.for('msb-decorators:config-listeners');
export const DTO_PROPERTIES_KEY = Symbol.for('msb-decorators:dto-properties');
export const DTO_OPTIONS_KEY = Symbol.for('msb-decorators:dto-options');

/**
 * Appends `entry` to the list stored under `key` on `target` itself. A subclass gets its own
 * list, so decorating it never changes what its base class declares.
 */
export function appendOwnMetadata<T>(key: symbol, entry: T, target: object): void {
  const own: T[] | undefined = Reflect.getOwnMetadata(key, target);
  if (own) own.push(entry);
  else Reflect.defineMetadata(key, [entry], target);
}
