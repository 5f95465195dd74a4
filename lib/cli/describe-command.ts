// `msb describe`: loads the user's compiled module as Node would and prints what a service
// declares, with its token masked so that it does not end up in a terminal log.
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { asyncApiOf, isServiceClass, selfDescriptionOf, toYaml } from '../index';
import { CliError } from './errors';
import { isPlainObject } from './json';

// Kept as a real import() in the CommonJS build (tsc would turn it into require()): only
// import() loads ES modules, including ones with top-level await.
const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<Record<string, unknown>>;

const TYPESCRIPT = /\.(?:ts|mts|cts|tsx)$/i;

/** What `msb describe` puts in place of a token, so that it does not end up in a terminal log. */
export const MASKED_TOKEN = '<hidden: --show-token prints it>';

function maskTokens(sd: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...sd };
  if (typeof out.token === 'string') out.token = MASKED_TOKEN;
  if (Array.isArray(out.services)) out.services = out.services.map((s) => (isPlainObject(s) ? maskTokens(s) : s));
  return out;
}

/** What `msb describe` prints: the self-description (default) or the AsyncAPI document, as JSON or YAML. */
export interface DescribeOutput {
  asyncapi?: boolean;
  yaml?: boolean;
  /** Print the token of the self-description (masked by default). */
  showToken?: boolean;
}

/**
 * `msb describe`: the self-description or AsyncAPI document of a service class exported by a
 * compiled module (CommonJS or ES module). The token is masked unless `showToken`; the AsyncAPI
 * document never holds one.
 */
export async function describeCommand(modulePath: string, exportName?: string, output: DescribeOutput = {}): Promise<string> {
  if (TYPESCRIPT.test(modulePath) && !/\.d\.[cm]?ts$/i.test(modulePath)) {
    const js = modulePath.slice(0, -extname(modulePath).length) + '.js';
    throw new CliError(`${modulePath} is TypeScript: msb describe loads compiled JavaScript. Compile it first (npx tsc) and give the .js file, e.g. ${js} under your outDir`, 2);
  }
  const path = resolve(modulePath);
  let mod: Record<string, unknown>;
  try {
    const ns = await importModule(pathToFileURL(path).href);
    // a CommonJS module's exports are also its default export; take both
    const cjs = isPlainObject(ns.default) ? ns.default : {};
    mod = { ...cjs, ...ns };
  } catch (e) {
    throw new CliError(`cannot load ${modulePath}: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`);
  }
  const services = Object.entries(mod).filter(([k, v]) => k !== 'default' && isServiceClass(v));
  let target: Function;
  if (exportName !== undefined) {
    const v = mod[exportName];
    if (typeof v !== 'function') throw new CliError(`${modulePath} exports no class named ${exportName}`);
    target = v;
  } else if (services.length === 1) {
    target = services[0][1] as Function;
  } else if (services.length === 0) {
    throw new CliError(`${modulePath} exports no class decorated with @SmartObject or @Application`);
  } else {
    throw new CliError(`${modulePath} exports several services (${services.map(([n]) => n).join(', ')}); pick one with --export`, 2);
  }
  const sd = selfDescriptionOf(target) as unknown as Record<string, unknown>;
  const doc = output.asyncapi ? asyncApiOf(target) : output.showToken ? sd : maskTokens(sd);
  return output.yaml ? toYaml(doc).trimEnd() : JSON.stringify(doc, null, 2);
}
