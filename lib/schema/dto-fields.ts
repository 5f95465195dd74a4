import { ARRAY_MAX_SIZE, ARRAY_MIN_SIZE, ARRAY_NOT_EMPTY, ARRAY_UNIQUE, IS_ARRAY, IS_DEFINED, IS_OPTIONAL } from 'class-validator';
import { DataType } from './data-type';
import { classChain } from '../util/class-chain';
import type { JsonSchema } from './data-type';
import { DTO_OPTIONS_KEY, DTO_PROPERTIES_KEY } from '../decorators/keys';
import type { DtoOptions, PropertyDeclaration } from '../decorators/property';
import { MISSING_METADATA, MISSING_METADATA_TOPIC, arrayOf, dataTypeOfConstructor, toTypeRef } from './type-ref';
import type { TypeRef } from './type-ref';
import { dataFormatProblems } from './data-format-schema';
import type { DataFormat } from './data-format-schema';
import { transformerFieldsOf, transformerTypeOf, validatorConstraintsOf } from './class-metadata';
import type { ValidatorConstraint } from './class-metadata';
import { ARRAY_KEYWORDS, coveredNames, refineNumber, schemaKeywords, typeFromValidators } from './validator-keywords';

/**
 * A DTO class read into the fields a data format describes: each field's type (from @Property,
 * @Type, the TypeScript type or the validators), its keywords, whether it is required, and the
 * problems that make the class unpublishable. Read once per class.
 */

/** One field of a DTO class, as a data format sees it. */
export interface DtoField {
  readonly name: string;
  readonly type: TypeRef;
  /** JSON-schema keywords for the field itself (`minimum`, `enum`, …). */
  readonly constraints: JsonSchema;
  /** JSON-schema keywords for each element, when the field is an array. */
  readonly itemConstraints: JsonSchema;
  /** Marked `@IsOptional()`. */
  readonly optional: boolean;
  readonly description?: string;
  /**
   * The class-validator constraints (by name) that the data format states and the run-time
   * check enforces from it. Any other constraint on the field has no data-format keyword and is
   * left to class-validator.
   */
  readonly covered: ReadonlySet<string>;
  /** Whether some constraint on the field is not {@link covered}. */
  readonly hasExtraRules: boolean;
}

/** A DTO class read into fields, plus the problems found while reading it. */
export interface DtoModel {
  readonly target: Function;
  readonly definitionName: string;
  readonly fields: readonly DtoField[];
  readonly required?: readonly string[];
  readonly problems: readonly string[];
}

/**
 * A raw format on a DTO field contributes only its `dataObject`: definitions beside it would
 * be lost from the enclosing data format, so they are refused rather than left dangling.
 */
function rawFieldIsValid(format: DataFormat, problem: (text: string) => void): boolean {
  const problems = dataFormatProblems(format, 'event');
  for (const p of problems) problem(`has a raw data format that is not valid: ${p}`);
  const extra = Object.keys(format).filter((k) => k !== 'dataObject');
  if (extra.length > 0) problem(`has a raw data format with definitions (${extra.join(', ')}), which only an event or function payload may have; use a DTO class`);
  return problems.length === 0 && extra.length === 0;
}

function resolveFieldType(
  target: Function,
  field: string,
  declared: PropertyDeclaration | undefined,
  scalar: readonly ValidatorConstraint[],
  each: readonly ValidatorConstraint[],
  problem: (text: string) => void,
): TypeRef | undefined {
  const scalarKeywords = schemaKeywords(scalar);
  const eachKeywords = schemaKeywords(each);
  const designType: unknown = Reflect.getMetadata('design:type', target.prototype, field);
  if (declared?.dataType !== undefined) {
    const r = toTypeRef(declared.dataType);
    if (!r.ok) { problem(r.problem); return undefined; }
    if (r.ref.kind === 'raw' && !rawFieldIsValid(r.ref.format, problem)) return undefined;
    // `@Property(MyModule) modules!: MyModule[]` means an array; `isArray: false` can still say otherwise.
    return arrayOf(r.ref, declared.isArray ?? designType === Array);
  }
  const transformed = transformerTypeOf(target, field);
  const isArray = designType === Array || declared?.isArray === true || (designType === undefined && each.length > 0 && scalar.some((c) => c.name === IS_ARRAY));

  if (isArray) {
    let element: TypeRef | undefined;
    if (transformed) {
      const simple = dataTypeOfConstructor(transformed);
      element = simple ? { kind: 'simple', dataType: refineNumber(simple, each, eachKeywords) } : { kind: 'dto', target: transformed };
    } else {
      const t = typeFromValidators(each);
      if (t) element = { kind: 'simple', dataType: refineNumber(t, each, eachKeywords) };
    }
    if (!element) {
      problem('is an array whose element type is unknown: add @Type(() => Element), @Property(Element, { isArray: true }) or a validator with { each: true } (e.g. @IsString({ each: true }))');
      return undefined;
    }
    return { kind: 'array', items: element };
  }
  if (transformed && dataTypeOfConstructor(transformed) === undefined) return { kind: 'dto', target: transformed };

  const candidate = transformed ?? designType;
  const simple = dataTypeOfConstructor(candidate);
  if (simple === DataType.STRING) {
    const t = typeFromValidators(scalar);
    return { kind: 'simple', dataType: t === DataType.DATETIME || t === DataType.BYTE ? t : DataType.STRING };
  }
  if (simple) return { kind: 'simple', dataType: refineNumber(simple, scalar, scalarKeywords) };
  if (typeof candidate === 'function' && candidate !== Object) {
    const r = toTypeRef(candidate);
    if (!r.ok) { problem(r.problem); return undefined; }
    return r.ref;
  }
  const fromValidators = typeFromValidators(scalar);
  if (fromValidators) return { kind: 'simple', dataType: refineNumber(fromValidators, scalar, scalarKeywords) };
  if (designType === undefined && !Reflect.hasMetadata('design:type', target.prototype, field)) {
    problem(`has no TypeScript type metadata (design:type), so its type is unknown: add @Property(DataType.X) or a class-validator type decorator such as @IsString(), or see the note on ${MISSING_METADATA_TOPIC}`);
    problem(MISSING_METADATA);
    return undefined;
  }
  problem('has a type that maps to no MSB data format (any, a union or an interface): add @Property(DataType.X) or a class-validator type decorator such as @IsString()');
  return undefined;
}

const cache = new WeakMap<Function, DtoModel>();

/**
 * Reads a DTO class into its fields. A field is seen when at least one decorator is on it
 * (`@Property()`, any class-validator decorator or `@Expose()`), since TypeScript emits no
 * metadata for undecorated fields.
 */
export function readDto(target: Function): DtoModel {
  const cached = cache.get(target);
  if (cached) return cached;
  const options: DtoOptions = Reflect.getMetadata(DTO_OPTIONS_KEY, target) ?? {};
  const definitionName = options.name ?? target.name;
  const problems: string[] = [];

  const declared = new Map<string, PropertyDeclaration>();
  for (const c of classChain(target)) {
    for (const p of (Reflect.getOwnMetadata(DTO_PROPERTIES_KEY, c) as PropertyDeclaration[] | undefined) ?? []) declared.set(p.propertyKey, p);
  }
  const validators = validatorConstraintsOf(target);
  const names = [...new Set([...declared.keys(), ...validators.keys(), ...transformerFieldsOf(target)])];

  if (names.length === 0) {
    problems.push(`DTO ${definitionName} has no fields the framework can see: decorate each field with @Property() or a class-validator decorator (TypeScript records nothing about undecorated fields)`);
  }
  const fields: DtoField[] = [];
  for (const name of names) {
    const list = validators.get(name) ?? [];
    const scalar = list.filter((c) => !c.each);
    const each = list.filter((c) => c.each);
    const property = declared.get(name);
    const type = resolveFieldType(target, name, property, scalar, each, (text) => {
      // The explanation of missing metadata is the same for every field: said once.
      if (text !== MISSING_METADATA) problems.push(`DTO ${definitionName}.${name} ${text}`);
      else if (!problems.includes(text)) problems.push(text);
    });
    if (!type) continue;
    const problem = (text: string) => problems.push(`DTO ${definitionName}.${name} ${text}`);
    if (property?.description !== undefined && typeof property.description !== 'string') problem('has a @Property description that is not a string');
    const scalarKeywords = new Set<string>();
    const eachKeywords = new Set<string>();
    const constraints = schemaKeywords(scalar, problem, scalarKeywords);
    const itemConstraints = schemaKeywords(each, problem, eachKeywords);
    if (type.kind !== 'array') for (const k of ARRAY_KEYWORDS) delete constraints[k];
    // A scalar (non-each) constraint is checked against the whole value, an each one per element.
    const coveredScalar = new Set<string>();
    const coveredEach = new Set<string>();
    // The format keeps no keyword beside a $ref, and array keywords only on arrays.
    if (type.kind === 'dto') scalarKeywords.clear();
    if (type.kind !== 'array') for (const n of [ARRAY_MIN_SIZE, ARRAY_MAX_SIZE, ARRAY_NOT_EMPTY, ARRAY_UNIQUE]) scalarKeywords.delete(n);
    coveredNames(scalar, scalarKeywords, type, coveredScalar);
    coveredNames(each, type.kind === 'array' && type.items.kind !== 'dto' ? eachKeywords : new Set(), type.kind === 'array' ? type.items : undefined, coveredEach);
    // class-validator reports either kind under the same name, so a name is covered only when all its uses are.
    const covered = new Set([...coveredScalar].filter((n) => !each.some((c) => c.name === n) || coveredEach.has(n)));
    for (const n of coveredEach) if (!scalar.some((c) => c.name === n)) covered.add(n);
    fields.push({
      name,
      type,
      constraints,
      itemConstraints,
      optional: list.some((c) => c.name === IS_OPTIONAL),
      description: typeof property?.description === 'string' ? property.description : undefined,
      covered,
      hasExtraRules: list.some((c) => !covered.has(c.name)),
    });
  }

  let required: string[] = [];
  if (options.required === true) required = fields.filter((f) => !f.optional).map((f) => f.name);
  else if (Array.isArray(options.required)) {
    required = [...new Set(options.required)];
    for (const r of required) if (!fields.some((f) => f.name === r)) problems.push(`DTO ${definitionName}: required field "${r}" is not a field of the class`);
  }
  // @IsDefined() says the field must be there, which is what `required` says in a data format.
  for (const f of fields) if (f.covered.has(IS_DEFINED) && !required.includes(f.name)) required.push(f.name);

  const model: DtoModel = { target, definitionName, fields, required: required.length > 0 ? required : undefined, problems };

  cache.set(target, model);
  return model;
}
