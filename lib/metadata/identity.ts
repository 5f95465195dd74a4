import { resolve } from 'node:path';
import { validate as isUuid } from 'uuid';
import type { ServiceKind, ServiceOptions } from '../decorators/service';
import type { ServiceIdentity, ServiceModel } from './model';
import { readPropertiesFile } from './properties-file';

/**
 * Where a service's identity may come from besides its decorator. Precedence, highest first:
 * these options, then the environment (`MSB_UUID`, `MSB_NAME`, `MSB_DESCRIPTION`,
 * `MSB_TOKEN`, `MSB_TYPE`, `MSB_URL`), then `application.properties` (`msb.uuid`, …), then
 * the `@SmartObject`/`@Application` decorator: the decorator is the compiled-in default that
 * a deployment overrides.
 */
export interface IdentityOptions extends ServiceOptions {
  /** Overrides the decorator's kind (`msb.type`). */
  type?: ServiceKind;
  /** The MSB url (`msb.url`), for `bootstrap`. */
  url?: string;
  /**
   * The properties file. Default: `application.properties` in the working directory, read
   * only if it exists. A path given here must exist. `false`: read none.
   */
  propertiesFile?: string | false;
  /** Where `MSB_*` variables are read; default `process.env`. `false`: read none. */
  env?: Readonly<Record<string, string | undefined>> | false;
}

type IdentityField = 'uuid' | 'name' | 'description' | 'token' | 'type' | 'url';
const FIELDS: readonly IdentityField[] = ['uuid', 'name', 'description', 'token', 'type', 'url'];

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}

/** Resolves the identity; returns it with the problems found (missing or malformed fields). */
export function resolveIdentity(model: ServiceModel, options: IdentityOptions = {}): { identity: ServiceIdentity; problems: string[] } {
  const problems: string[] = [];
  const layers: Array<Partial<Record<IdentityField, string>>> = [];

  layers.push({ ...model.declaredIdentity, type: model.kind });
  if (options.propertiesFile !== false) {
    const path = resolve(options.propertiesFile ?? 'application.properties');
    let props: Map<string, string> | undefined;
    try {
      props = readPropertiesFile(path);
    } catch (e) {
      problems.push(`${model.className}: cannot read properties file ${path}: ${(e as Error).message}`);
    }
    if (!props && options.propertiesFile !== undefined) problems.push(`${model.className}: properties file ${path} does not exist`);
    if (props) layers.push(Object.fromEntries(FIELDS.map((f) => [f, nonEmpty(props.get(`msb.${f}`))])));
  }
  if (options.env !== false) {
    const env = options.env ?? process.env;
    layers.push(Object.fromEntries(FIELDS.map((f) => [f, nonEmpty(env[`MSB_${f.toUpperCase()}`])])));
  }
  layers.push(Object.fromEntries(FIELDS.map((f) => [f, options[f]])));

  const pick = (f: IdentityField): string | undefined => {
    let value: string | undefined;
    for (const layer of layers) if (layer[f] !== undefined) value = layer[f];
    return value;
  };
  const at = model.className;
  const kind = pick('type');
  if (kind !== 'SmartObject' && kind !== 'Application' && kind !== 'Gateway') problems.push(`${at}: service type "${kind}" is not SmartObject, Application or Gateway`);
  const uuid = pick('uuid');
  if (uuid === undefined) problems.push(`${at}: no uuid (set it in @${model.kind}({ uuid }), msb.uuid or MSB_UUID)`);
  else if (!isUuid(uuid)) problems.push(`${at}: uuid "${uuid}" is not a valid UUID`);
  const token = pick('token');
  if (token === undefined) problems.push(`${at}: no token (set it in @${model.kind}({ token }), msb.token or MSB_TOKEN)`);

  const identity: ServiceIdentity = {
    kind: kind === 'Application' || kind === 'Gateway' ? kind : 'SmartObject',
    uuid: uuid ?? '',
    name: pick('name') ?? model.className,
    description: pick('description') ?? '',
    token: token ?? '',
  };
  const url = pick('url');
  if (url !== undefined) identity.url = url;
  return { identity, problems };
}
