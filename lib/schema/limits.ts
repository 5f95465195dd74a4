/** The value ranges behind the MSB's formats, in one place for the validators, Ajv and config coercion. */

export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;
/** The largest finite single-precision value. */
export const FLOAT_MAX = 3.4028234663852886e38;

/** Whether `n` is a whole number in the INT32 range. */
export function isInt32(n: number): boolean {
  return Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX;
}

/** Whether `n` is finite and within single precision. */
export function isFloat(n: number): boolean {
  return Number.isFinite(n) && Math.abs(n) <= FLOAT_MAX;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Whether `s` is padded standard base64, the MSB's `byte` format. */
export function isBase64(s: string): boolean {
  return BASE64.test(s);
}

// ajv-formats' own RFC 3339 check (calendar days, leap seconds, a zone required), so that the
// run-time check and Ajv, the test oracle, read `date-time` identically. The formats module is
// plain functions: it does not load Ajv.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const formats = require('ajv-formats/dist/formats') as { fullFormats: Record<string, { validate: (s: string) => boolean }> };
const dateTime = formats.fullFormats['date-time'].validate;

/** Whether `s` is an RFC 3339 date-time with a zone, the MSB's `date-time` format. */
export function isDateTime(s: string): boolean {
  return dateTime(s);
}
