// The two entry points of the AsyncAPI export from plain self-descriptions. Pure: no decorator
// metadata is read here (index.ts adds what a class declares), so the broker can use it too.
import { MsbAsyncApiError } from './errors';
import { DocumentBuilder } from './document-builder';
import { isObject } from './json';
import type { AsyncApiDocument, AsyncApiDocumentOptions, ServiceExtras } from './types';

/**
 * The AsyncAPI 3.0 document of one or more MSB services, from their self-descriptions as
 * registered (plain JSON: a `selfDescriptionOf` result, or what any MSB client sent). One
 * description gives that service's document; several give one combined document in which
 * every key is prefixed by its service. Gateway sub-services are included. Tokens are never
 * copied into the document.
 *
 * @throws {@link MsbAsyncApiError} when a description lacks its uuid, an eventId or a
 * functionId, or a data format is nested deeper than 64 schemas.
 */
export function asyncApiFromSelfDescriptions(descriptions: readonly object[], options: AsyncApiDocumentOptions = {}): AsyncApiDocument {
  return buildAsyncApi(descriptions, options, {});
}

/** {@link asyncApiFromSelfDescriptions} with what a class adds beyond its self-description. */
export function buildAsyncApi(descriptions: readonly object[], options: AsyncApiDocumentOptions, extras: ServiceExtras): AsyncApiDocument {
  const list = descriptions as readonly unknown[];
  const combined = list.length !== 1 || (isObject(list[0]) && Array.isArray(list[0].services) && list[0].services.length > 0);
  const builder = new DocumentBuilder(combined, extras, options, list.length === 1 && isObject(list[0]) ? list[0] : undefined);
  list.forEach((sd, i) => {
    const where = list.length === 1 ? 'self-description' : `self-description ${i}`;
    if (!isObject(sd)) throw new MsbAsyncApiError(`${where} is not an object`);
    builder.addDescription(sd, where);
  });
  return builder.doc;
}
