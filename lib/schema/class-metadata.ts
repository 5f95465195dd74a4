import { classChain } from '../util/class-chain';
import type * as ClassValidatorModule from 'class-validator';
import type * as ClassTransformerModule from 'class-transformer';

/**
 * Read-only access to what class-validator and class-transformer recorded about a class.
 * Both libraries keep one global store each; reading it here (and nowhere else) keeps the
 * coupling to their internals in one file.
 */

/** One class-validator constraint on a field, reduced to what a data format can use. */
export interface ValidatorConstraint {
  /** class-validator's name: `isInt`, `min`, `isOptional`, `nestedValidation` … */
  readonly name: string;
  readonly constraints: readonly unknown[];
  /** `{ each: true }`: the constraint applies to each element of an array field. */
  readonly each: boolean;
}

interface ClassValidatorMetadata {
  type: string;
  name?: string;
  propertyName: string;
  constraints?: unknown[];
  each?: boolean;
  groups?: string[];
}

interface TypeMetadata {
  typeFunction: (options?: unknown) => Function;
  reflectedType?: unknown;
  options?: { discriminator?: unknown };
}

/** class-transformer's metadata store, with the private map this project reads (here and nowhere else). */
export interface ClassTransformerStorage {
  findTypeMetadata(target: Function, propertyName: string): TypeMetadata | undefined;
  getExposedMetadatas(target: Function): Array<{ propertyName?: string }>;
  /** Private in class-transformer, and the only place that lists the fields with @Type. */
  readonly _typeMetadatas?: Map<Function, Map<string, unknown>>;
}

// Loaded on first use, not with the package: a service without DTO classes never needs
// class-validator (about 14 MiB resident) or class-transformer. A service with DTOs has
// loaded them already through its own decorators, so this costs it nothing.
/* eslint-disable @typescript-eslint/no-require-imports */
/**
 * Whether class-validator has been loaded at all. Without it no class can carry its constraints,
 * so a service without DTOs need not load it just to find that out.
 */
export function classValidatorInUse(): boolean {
  try {
    return require.cache[require.resolve('class-validator')] !== undefined;
  } catch {
    return false;
  }
}

/** The class-validator module. */
export function classValidator(): typeof ClassValidatorModule {
  return require('class-validator') as typeof ClassValidatorModule;
}

/** The class-transformer module. */
export function classTransformer(): typeof ClassTransformerModule {
  return require('class-transformer') as typeof ClassTransformerModule;
}

/**
 * class-transformer's store. It lives in a module without typings; the cjs build is the one its
 * main entry uses, so this is the same instance the user's @Type decorators wrote to.
 */
export function transformerStorage(): ClassTransformerStorage {
  return (require('class-transformer/cjs/storage') as { defaultMetadataStorage: ClassTransformerStorage }).defaultMetadataStorage;
}
/* eslint-enable @typescript-eslint/no-require-imports */

/** class-validator constraints of every field of `target` (inherited ones included), by field name. */
export function validatorConstraintsOf(target: Function): Map<string, ValidatorConstraint[]> {
  const metadatas = classValidator().getMetadataStorage().getTargetValidationMetadatas(target, '', true, false) as unknown as ClassValidatorMetadata[];
  const byField = new Map<string, ValidatorConstraint[]>();
  for (const m of metadatas) {
    // Group-specific constraints do not hold for every value, so they cannot describe the shape.
    if (m.groups && m.groups.length > 0) continue;
    const name = m.type === 'customValidation' || m.type === 'conditionalValidation' ? (m.name ?? m.type) : m.type;
    const list = byField.get(m.propertyName) ?? [];
    list.push({ name, constraints: m.constraints ?? [], each: m.each === true });
    byField.set(m.propertyName, list);
  }
  return byField;
}

/** The class given by class-transformer's `@Type(() => X)` on a field, if any. */
export function transformerTypeOf(target: Function, field: string): Function | undefined {
  const meta = transformerStorage().findTypeMetadata(target, field);
  if (!meta) return undefined;
  const resolved = meta.typeFunction();
  return typeof resolved === 'function' ? resolved : undefined;
}

/** Fields that class-transformer knows through `@Expose()` or `@Type()`, base classes included. */
export function transformerFieldsOf(target: Function): string[] {
  const storage = transformerStorage();
  const fields = storage
    .getExposedMetadatas(target)
    .map((m) => m.propertyName)
    .filter((n): n is string => typeof n === 'string');
  for (const c of classChain(target)) {
    for (const name of storage._typeMetadatas?.get(c)?.keys() ?? []) fields.push(name);
  }
  return fields;
}

/** One class-validator rule called directly on a field's plain value. */
export interface DirectRule {
  readonly field: string;
  /** `{ each: true }`: applied to each element of an array value. */
  readonly each: boolean;
  readonly test: (value: unknown) => boolean;
}

interface RuleMetadata extends ClassValidatorMetadata {
  constraintCls?: Function;
  validateIf?: unknown;
}

interface RuleStorage {
  getTargetValidationMetadatas(target: Function, schema: string, always: boolean, strictGroups: boolean): RuleMetadata[];
  getTargetValidatorConstraints(target: Function): Array<{ name?: string; async?: boolean; instance: { validate(value: unknown, args: unknown): unknown } }>;
}

let builtInNames: Set<string> | undefined;

/**
 * The class-validator rules of `target` that `isCovered` leaves over, as direct calls of their
 * constraint functions on the plain field values, for a check without `plainToInstance` and
 * `validateSync`. Undefined when some rule may look beyond its own value or does not run the same
 * way (a user-defined or async constraint, a condition, groups, a field that `@Type` converts):
 * then class-validator itself must run.
 */
export function directRulesOf(target: Function, isCovered: (field: string, name: string) => boolean): DirectRule[] | undefined {
  const cv = classValidator();
  builtInNames ??= new Set(Object.values(cv).filter((v): v is string => typeof v === 'string'));
  const storage = cv.getMetadataStorage() as unknown as RuleStorage;
  const rules: DirectRule[] = [];
  for (const m of storage.getTargetValidationMetadatas(target, '', true, false)) {
    if (m.groups && m.groups.length > 0) return undefined;
    if (m.type === 'conditionalValidation') {
      if (m.name === 'isOptional') continue;
      return undefined;
    }
    if (m.type === 'nestedValidation' || m.type === 'whitelistValidation' || m.type === 'isDefined') continue;
    if (m.type !== 'customValidation' || !m.constraintCls || m.validateIf) return undefined;
    for (const c of storage.getTargetValidatorConstraints(m.constraintCls)) {
      const name = c.name ?? m.name ?? '';
      if (isCovered(m.propertyName, name)) continue;
      if (c.async || !builtInNames.has(name) || transformerStorage().findTypeMetadata(target, m.propertyName)) return undefined;
      // class-validator's own constraints read only the value and the decorator's arguments.
      const args = { targetName: target.name, property: m.propertyName, object: {}, value: undefined as unknown, constraints: m.constraints ?? [] };
      const instance = c.instance;
      rules.push({ field: m.propertyName, each: m.each === true, test: (value) => { args.value = value; return instance.validate(value, args) === true; } });
    }
  }
  return rules;
}
