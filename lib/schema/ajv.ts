import Ajv04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { isBase64, isDateTime, isFloat, isInt32 } from './limits';


/**
 * A draft-04 Ajv instance that knows the MSB's formats (`int32`, `int64`, `float`, `double`,
 * `byte`, `date-time`), read exactly as the run-time validator reads them. One per caller that
 * compiles validators; compile once, validate often.
 */
export function createAjv(): Ajv04 {
  const ajv = new Ajv04({ allErrors: true, strict: false, validateFormats: true });
  addFormats(ajv, ['date', 'regex']);
  ajv.addFormat('date-time', isDateTime);
  // ajv-formats' `byte` pattern is multi-line, so any string with a valid (or empty) line passes.
  ajv.addFormat('byte', isBase64);
  ajv.addFormat('int32', { type: 'number', validate: isInt32 });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
  ajv.addFormat('float', { type: 'number', validate: isFloat });
  ajv.addFormat('double', { type: 'number', validate: (n: number) => Number.isFinite(n) });
  return ajv;
}
