/**
 * The simple data types of the MSB, as the official clients name them.
 *
 * Each maps to a JSON-schema `type`/`format` pair in data formats (lower case) and in
 * configuration parameters (UPPER case); see {@link schemaOf} and {@link configTypeOf}.
 */
export enum DataType {
  STRING = 'STRING',
  INT32 = 'INT32',
  INT64 = 'INT64',
  FLOAT = 'FLOAT',
  DOUBLE = 'DOUBLE',
  DATETIME = 'DATETIME',
  BOOLEAN = 'BOOLEAN',
  BYTE = 'BYTE',
}

/** A JSON-schema fragment as used inside MSB data formats (draft-04 / Swagger 2.0 subset). */
export interface JsonSchema {
  type?: string;
  format?: string;
  $ref?: string;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  [keyword: string]: unknown;
}

interface SimpleTypeInfo {
  readonly type: 'string' | 'integer' | 'number' | 'boolean';
  readonly format?: string;
}

const SIMPLE_TYPES: Readonly<Record<DataType, SimpleTypeInfo>> = {
  [DataType.STRING]: { type: 'string' },
  [DataType.INT32]: { type: 'integer', format: 'int32' },
  [DataType.INT64]: { type: 'integer', format: 'int64' },
  [DataType.FLOAT]: { type: 'number', format: 'float' },
  [DataType.DOUBLE]: { type: 'number', format: 'double' },
  [DataType.DATETIME]: { type: 'string', format: 'date-time' },
  [DataType.BOOLEAN]: { type: 'boolean' },
  [DataType.BYTE]: { type: 'string', format: 'byte' },
};

/** Whether `value` is one of the {@link DataType} names. */
export function isDataType(value: unknown): value is DataType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(SIMPLE_TYPES, value);
}

/** The data-format schema of a simple type: `{ type, format? }` in lower case. */
export function schemaOf(dataType: DataType): JsonSchema {
  const info = SIMPLE_TYPES[dataType];
  return info.format === undefined ? { type: info.type } : { type: info.type, format: info.format };
}

/** The configuration-parameter type of a simple type: `{ type, format? }` in UPPER case. */
export function configTypeOf(dataType: DataType): { type: string; format?: string } {
  const info = SIMPLE_TYPES[dataType];
  const type = info.type.toUpperCase();
  return info.format === undefined ? { type } : { type, format: info.format.toUpperCase() };
}
