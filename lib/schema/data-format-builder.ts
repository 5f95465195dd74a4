import { schemaOf } from './data-type';
import type { JsonSchema } from './data-type';
import type { DataFormat } from './data-format-schema';
import { dataFormatProblems } from './data-format-schema';
import type { DtoModel } from './dto-fields';
import { dtoModelOf } from './dto-model';
import { fieldSchema } from './field-schema';
import type { TypeRef } from './type-ref';
import { MISSING_METADATA } from './type-ref';
import { canonicalJson } from '../util/canonical-json';

interface Definition {
  readonly target: Function;
  readonly schema: JsonSchema;
  /** Names of the definitions this one refers to. */
  readonly refs: ReadonlySet<string>;
  /** The event or function where the class was first met, for problem messages. */
  readonly owner: string;
}

/**
 * Turns payload types into MSB data formats for one service. Definitions are shared across
 * the service's events and functions, so two DTO classes that claim one name with different
 * shapes are caught wherever they meet. Problems are collected, never thrown.
 */
export class DataFormatBuilder {
  private readonly definitions = new Map<string, Definition>();
  private readonly reported = new Set<string>();
  /** The event or function being built, for problem messages. */
  private owner = '';

  constructor(private readonly problems: string[]) {}

  /**
   * The data format for the given root entries (usually `{ dataObject: type }`): each root
   * entry plus every definition it reaches, once each.
   */
  build(roots: Readonly<Record<string, TypeRef>>, kind: 'event' | 'function', owner: string): DataFormat | undefined {
    const before = this.problems.length;
    this.owner = owner;
    const format: DataFormat = {};
    const used = new Set<string>();
    for (const [key, ref] of Object.entries(roots)) {
      if (ref.kind === 'raw' || (ref.kind === 'array' && ref.items.kind === 'raw')) {
        this.addRaw(format, key, ref, kind, owner);
        continue;
      }
      format[key] = this.rootSchema(ref, used);
    }
    for (const name of this.closure(used)) {
      const schema = this.definitions.get(name)!.schema;
      if (format[name] && canonicalJson(format[name]) !== canonicalJson(schema)) {
        this.problems.push(`${owner}: a raw data format defines "${name}" differently from the DTO class of that name`);
      }
      format[name] = structuredClone(schema) as Record<string, unknown>;
    }
    // What the decorators produce is valid by construction: every keyword comes from a checked
    // decorator argument (dto-fields), and the tests run the MSB meta-schema over every format
    // they build. So Ajv stays out of a service's process unless it uses raw formats.
    return this.problems.length === before ? format : undefined;
  }

  private addRaw(format: DataFormat, key: string, ref: TypeRef, kind: 'event' | 'function', owner: string): void {
    const raw = ref.kind === 'raw' ? ref.format : (ref as { items: { format: DataFormat } }).items.format;
    const problems = dataFormatProblems(raw, kind);
    for (const p of problems) this.problems.push(`${owner} has a raw data format that is not valid: ${p}`);
    for (const [name, schema] of Object.entries(raw)) {
      if (name === 'dataObject') continue;
      if (format[name] && canonicalJson(format[name]) !== canonicalJson(schema)) {
        this.problems.push(`${owner}: raw data format defines "${name}" differently from another definition of that name`);
      }
      format[name] = structuredClone(schema);
    }
    const root = structuredClone(raw.dataObject ?? {}) as Record<string, unknown>;
    format[key] = ref.kind === 'array' ? { type: 'array', items: root } : root;
  }

  private rootSchema(ref: TypeRef, used: Set<string>): JsonSchema {
    // The official Python and Node clients put "type": "object" beside a root $ref.
    if (ref.kind === 'dto') return { ...this.schemaFor(ref, used), type: 'object' };
    return this.schemaFor(ref, used);
  }

  private schemaFor(ref: TypeRef, used: Set<string>): JsonSchema {
    switch (ref.kind) {
      case 'simple':
        return schemaOf(ref.dataType);
      case 'array':
        return { type: 'array', items: this.schemaFor(ref.items, used) };
      case 'dto': {
        const name = this.define(ref.target);
        if (name === undefined) return {};
        used.add(name);
        return { $ref: `#/definitions/${name}` };
      }
      case 'raw':
        // Raw formats are spliced in whole by addRaw; nested inside a DTO only their payload counts.
        return structuredClone(ref.format.dataObject ?? {}) as JsonSchema;
    }
  }

  /** Registers the definition of a DTO class (and, through it, of every class it reaches). */
  private define(target: Function): string | undefined {
    const dto = dtoModelOf(target);
    // Once per service, however many events use the DTO, naming the first one that does.
    for (const p of dto.problems) this.report(p, p === MISSING_METADATA ? p : `${this.owner}: ${p}`);
    const existing = this.definitions.get(dto.definitionName);
    if (existing) {
      if (existing.target !== target) this.checkSameShape(dto, existing);
      return dto.definitionName;
    }
    // Registered before its fields are read, so a class that refers to itself ends here.
    const placeholder: Definition = { target, schema: {}, refs: new Set(), owner: this.owner };
    this.definitions.set(dto.definitionName, placeholder);
    const refs = new Set<string>();
    const schema = this.objectSchema(dto, refs);
    this.definitions.set(dto.definitionName, { target, schema, refs, owner: placeholder.owner });
    return dto.definitionName;
  }

  private objectSchema(dto: DtoModel, refs: Set<string>): JsonSchema {
    const properties: Record<string, JsonSchema> = {};
    for (const f of dto.fields) properties[f.name] = fieldSchema(f, this.schemaFor(f.type, refs));
    const schema: JsonSchema = { type: 'object', properties };
    if (dto.required) schema.required = [...dto.required];
    return schema;
  }

  private checkSameShape(dto: DtoModel, existing: Definition): void {
    const probe = new DataFormatBuilder([]);
    const a = probe.objectSchema(dto, new Set());
    const b = probe.objectSchema(dtoModelOf(existing.target), new Set());
    if (canonicalJson(a) !== canonicalJson(b)) {
      this.report(
        `${this.owner}: DTO name "${dto.definitionName}" is used by two different classes with different shapes (the other is used by ${existing.owner}); rename one with @Dto({ name })`,
      );
    }
  }

  private closure(names: Set<string>): string[] {
    const out: string[] = [];
    const visit = (n: string) => {
      if (out.includes(n)) return;
      out.push(n);
      for (const r of this.definitions.get(n)?.refs ?? []) visit(r);
    };
    for (const n of names) visit(n);
    return out;
  }

  private report(key: string, problem = key): void {
    if (this.reported.has(key) || this.problems.includes(problem)) return;
    this.reported.add(key);
    this.problems.push(problem);
  }
}
