import type { DtoModel } from './dto-fields';

/**
 * A DTO class's model, for the data-format builder and the codec: dto-fields brings
 * class-validator with it, so it is loaded only when a service has a DTO at all.
 */
export function dtoModelOf(target: Function): DtoModel {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('./dto-fields') as typeof import('./dto-fields')).readDto(target);
}
