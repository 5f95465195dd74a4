import Ajv04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const FLOAT_MAX = 3.4028234663852886e38;

/**
 * A draft-04 Ajv instance that knows the MSB's formats (`int32`, `int64`, `float`, `double`,
 * `byte`, `date-time`). One per caller that compiles validators; compile once, validate often.
 */
export function createAjv(): Ajv04 {
  const ajv = new Ajv04({ allErrors: true, strict: false, validateFormats: true });
  addFormats(ajv, ['date-time', 'date', 'byte', 'regex']);
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
  ajv.addFormat('float', { type: 'number', validate: (n: number) => Number.isFinite(n) && Math.abs(n) <= FLOAT_MAX });
  ajv.addFormat('double', { type: 'number', validate: (n: number) => Number.isFinite(n) });
  return ajv;
}
