import { validatorConstraintsOf } from './class-metadata';
import type { JsonSchema } from './data-type';
import { ARRAY_KEYWORDS, TYPE_CHECKERS, coveredNames, schemaKeywords } from './validator-keywords';

/**
 * The class-validator rules on a `@ConfigParam` property, read with the same mapping as a DTO
 * field's. Loaded (with class-validator) only for a service whose configuration carries them.
 */

/** The class-validator rules on a configuration parameter, read like those on a DTO field. */
export interface ConfigRules {
  /** The keywords its class-validator constraints make (`minimum`, `pattern` …). */
  readonly keywords: JsonSchema;
  /** Whether some constraint has no keyword and is left to class-validator. */
  readonly hasExtraRules: boolean;
  /** The constraint names the keywords and the parameter's type stand for. */
  readonly covered: ReadonlySet<string>;
}

/**
 * Reads the class-validator decorators on a `@ConfigParam` property of a service class, with the
 * same mapping as DTO fields, so that a rule means the same thing in both places. The parameter's
 * type decides what type checkers (`@IsInt()` …) would say, so they add nothing here.
 */
export function readConfigRules(target: Function, propertyKey: string, problem: (text: string) => void): ConfigRules {
  const list = (validatorConstraintsOf(target).get(propertyKey) ?? []).filter((c) => !c.each);
  const stated = new Set<string>();
  const keywords = schemaKeywords(list, problem, stated);
  for (const k of ARRAY_KEYWORDS) delete keywords[k];
  const covered = new Set<string>();
  coveredNames(list, stated, undefined, covered);
  for (const c of list) if (TYPE_CHECKERS[c.name]) covered.add(c.name);
  return { keywords, hasExtraRules: list.some((c) => !covered.has(c.name)), covered };
}
