import 'reflect-metadata';
import { MsbDeclarationError } from '../errors';
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
export const LIFECYCLE_KEY = Symbol.for('msb-decorators:lifecycle');
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

/**
 * Throws when a decorator was called the TC39 (standard) way, as TypeScript does without
 * `experimentalDecorators`: `(value, context)` instead of `(target, key)`. Without this the
 * first read of `target.constructor` fails with a TypeError that names nothing useful.
 */
export function assertLegacyCall(decorator: string, second: unknown): void {
  if (second === null || typeof second !== 'object' || typeof (second as { kind?: unknown }).kind !== 'string') return;
  const context = second as { kind: string; name?: unknown };
  const where = context.name === undefined ? `a ${context.kind}` : `${context.kind} ${String(context.name)}`;
  // A member's context does not name its class; a class's does.
  throw new MsbDeclarationError(context.kind === 'class' && context.name !== undefined ? String(context.name) : '(a class compiled without experimentalDecorators)', [
    `${decorator} on ${where} was called as a standard (TC39) decorator. msb-decorators, like class-validator and class-transformer, needs ` +
      'TypeScript\'s decorators with type metadata: set "experimentalDecorators": true and "emitDecoratorMetadata": true in tsconfig.json',
  ]);
}
