import { selfDescriptionOf } from '../metadata/self-description';
import type { SelfDescriptionOptions } from '../metadata/self-description';
import { inspectService } from '../metadata/read-service';
import { resolveIdentity } from '../metadata/identity';
import { buildAsyncApi } from './document';
import type { AsyncApiDocument, AsyncApiDocumentOptions } from './types';

export { asyncApiFromSelfDescriptions } from './document';
export type { AsyncApiDocument, AsyncApiDocumentOptions, AsyncApiServer } from './types';
export { MsbAsyncApiError } from './errors';
export { toYaml } from './yaml';

/**
 * Options of {@link asyncApiOf}: those of `selfDescriptionOf` (identity overrides; `description`
 * becomes `info.description`) plus the document's server, title and version.
 */
export interface AsyncApiOptions extends Omit<AsyncApiDocumentOptions, 'description'>, SelfDescriptionOptions {
  /** The MSB server. Default: the `url` option, else `msb.url` / `MSB_URL`, else no `servers` section. */
  server?: AsyncApiDocumentOptions['server'];
}

/**
 * The AsyncAPI 3.0 document of a decorated service class, built from its self-description (so
 * its payload schemas are exactly the registered data formats): each event is a message the
 * service sends, each function a message it receives with its response events as the reply,
 * the configuration parameters a configuration message it receives, and DTO definitions are
 * shared component schemas. The token is left out. Throws `MsbDeclarationError` like
 * `selfDescriptionOf` when the class is declared wrongly.
 *
 * @example
 * ```ts
 * const doc = asyncApiOf(Drill, { server: 'ws://msb.example.org:8085', version: '2.1.0' });
 * console.log(toYaml(doc));
 * ```
 */
export function asyncApiOf(target: Function, options: AsyncApiOptions = {}): AsyncApiDocument {
  const { server, title, version, ...describeOptions } = options;
  const sd = selfDescriptionOf(target, describeOptions);
  // Priorities and the url are declared for the class but are no part of a self-description.
  const { model } = inspectService(target);
  const url = server ?? resolveIdentity(model, describeOptions).identity.url;
  const priorities = new Map([[sd.uuid, new Map(model.events.map((e) => [e.eventId, e.priority as number]))]]);
  return buildAsyncApi([sd], { server: url, title, version }, { priorities });
}
