import type { ErrorObject, ValidateFunction } from 'ajv';

/** An MSB data format: `dataObject` (the payload) beside named definitions. */
export type DataFormat = Record<string, Record<string, unknown>>;

const nonNegativeInteger = { type: 'integer', minimum: 0 };

/**
 * The meta-schema that the official Python and Node.js clients apply to `{ definitions:
 * <dataFormat> }` (their `event_schema.json`): a Swagger 2.0 schema subset, nothing else.
 */
function metaSchema(requireDataObject: boolean): object {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['definitions'],
    properties: {
      definitions: {
        type: 'object',
        ...(requireDataObject ? { required: ['dataObject'] } : {}),
        additionalProperties: { $ref: '#/definitions/schema' },
      },
    },
    definitions: {
      simpleType: { enum: ['array', 'boolean', 'integer', 'null', 'number', 'object', 'string'] },
      schema: {
        type: 'object',
        additionalProperties: false,
        properties: {
          $ref: { type: 'string' },
          format: { type: 'string' },
          title: { type: 'string' },
          description: { type: 'string' },
          default: {},
          multipleOf: { type: 'number', minimum: 0, exclusiveMinimum: true },
          maximum: { type: 'number' },
          exclusiveMaximum: { type: 'boolean' },
          minimum: { type: 'number' },
          exclusiveMinimum: { type: 'boolean' },
          maxLength: nonNegativeInteger,
          minLength: nonNegativeInteger,
          pattern: { type: 'string', format: 'regex' },
          maxItems: nonNegativeInteger,
          minItems: nonNegativeInteger,
          uniqueItems: { type: 'boolean' },
          maxProperties: nonNegativeInteger,
          minProperties: nonNegativeInteger,
          required: { type: 'array', items: { type: 'string' }, minItems: 1, uniqueItems: true },
          enum: { type: 'array', minItems: 1 },
          additionalProperties: { anyOf: [{ $ref: '#/definitions/schema' }, { type: 'boolean' }] },
          type: {
            anyOf: [
              { $ref: '#/definitions/simpleType' },
              { type: 'array', items: { $ref: '#/definitions/simpleType' }, minItems: 1, uniqueItems: true },
            ],
          },
          items: {
            anyOf: [
              { $ref: '#/definitions/schema' },
              { type: 'array', minItems: 1, items: { $ref: '#/definitions/schema' } },
            ],
          },
          allOf: { type: 'array', minItems: 1, items: { $ref: '#/definitions/schema' } },
          properties: { type: 'object', additionalProperties: { $ref: '#/definitions/schema' } },
          discriminator: { type: 'string' },
          readOnly: { type: 'boolean' },
          example: {},
        },
      },
    },
  };
}

// Held weakly: checking formats is work for start-up, and a running service should not keep
// Ajv and its compiled code (several MiB) alive for it. The next check compiles again.
const metaValidators: Partial<Record<'event' | 'function', WeakRef<ValidateFunction>>> = {};

function metaValidator(kind: 'event' | 'function'): ValidateFunction {
  const cached = metaValidators[kind]?.deref();
  if (cached) return cached;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createAjv } = require('./ajv') as typeof import('./ajv');
  const compiled = createAjv().compile(metaSchema(kind === 'event'));
  metaValidators[kind] = new WeakRef(compiled);
  return compiled;
}

function describeAjvError(e: ErrorObject): string {
  const where = e.instancePath.replace(/^\/definitions/, '') || '(top level)';
  if (e.keyword === 'additionalProperties') {
    return `${where}: keyword "${String((e.params as { additionalProperty: string }).additionalProperty)}" is not allowed in an MSB data format`;
  }
  if (e.keyword === 'required' && where === '(top level)') {
    return `missing "${String((e.params as { missingProperty: string }).missingProperty)}"`;
  }
  return `${where}: ${e.message ?? e.keyword}`;
}

function collectRefs(node: unknown, path: string, out: Array<{ ref: unknown; path: string }>): void {
  if (Array.isArray(node)) {
    node.forEach((child, i) => collectRefs(child, `${path}/${i}`, out));
  } else if (node !== null && typeof node === 'object') {
    for (const [key, child] of Object.entries(node)) {
      if (key === '$ref') out.push({ ref: child, path });
      else if (key !== 'enum' && key !== 'default' && key !== 'example') collectRefs(child, `${path}/${key}`, out);
    }
  }
}

/**
 * Checks a data format against the MSB meta-schema and checks that every `$ref` is a local
 * `#/definitions/<key>` whose key exists. Events need a `dataObject`; functions (keyed by
 * parameter name, as the Java client does) do not. Returns the problems, empty when valid.
 */
export function dataFormatProblems(format: unknown, kind: 'event' | 'function' = 'event'): string[] {
  if (format === null || typeof format !== 'object' || Array.isArray(format)) {
    return ['a data format must be a JSON object'];
  }
  const validate = metaValidator(kind);
  const problems: string[] = [];
  if (!validate({ definitions: format })) {
    for (const e of validate.errors ?? []) {
      // anyOf branches repeat the same cause; keep the clearest line of each place
      if (e.keyword === 'anyOf') continue;
      const line = describeAjvError(e);
      if (!problems.includes(line)) problems.push(line);
    }
  }
  const refs: Array<{ ref: unknown; path: string }> = [];
  collectRefs(format, '', refs);
  for (const { ref, path } of refs) {
    const match = typeof ref === 'string' ? /^#\/definitions\/(.+)$/.exec(ref) : null;
    if (!match) problems.push(`${path || '(top level)'}: $ref ${JSON.stringify(ref)} is not of the form "#/definitions/<Name>"`);
    else if (!Object.prototype.hasOwnProperty.call(format, match[1])) {
      problems.push(`${path}: $ref "${ref as string}" names no definition in this data format`);
    }
  }
  return problems;
}
