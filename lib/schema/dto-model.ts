import type { DtoModel } from './dto-fields';

/**
 * The codec's way to a DTO's model: dto-fields brings class-validator with it, so it is loaded
 * only when a service has a DTO at all.
 */
export function dtoModelOf(target: Function): DtoModel {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('./dto-fields') as typeof import('./dto-fields')).readDto(target);
}
