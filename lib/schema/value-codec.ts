import { nodeCheck, typeSchema } from './compiled-check';
import { explain, extraRules } from './dto-rules';
import type { CvViolation } from './dto-rules';
import type { TypeRef } from './type-ref';
import { guarded, shownPath } from './violations';
import { fromWireConverter, toWireConverter } from './wire-conversion';

/**
 * The codec the runtime uses for every payload: it puts together the compiled check (the fast
 * path, with Ajv for raw formats), class-validator for the rules no keyword states, and the
 * conversions JSON needs, once per event or function when a service starts, so that each value
 * costs only the checks themselves.
 */

/** Result of a codec step: the converted value, or what is wrong with it. */
export type CodecResult = { ok: true; value: unknown } | { ok: false; violations: string[] };

/**
 * Converts and checks values of one payload type, in both directions. Built once per event
 * or function when a service starts, so each value costs only the checks themselves.
 */
export interface ValueCodec {
  /** An outgoing value (emit, response) → the JSON value for `dataObject`. */
  toWire(value: unknown): CodecResult;
  /** An incoming value (function-call parameter) → what the method receives (DTO instance, Date, Buffer …). */
  fromWire(value: unknown): CodecResult;
}

/** Options of {@link compileCodec}. */
export interface CodecOptions {
  /** Check values against the type (default true). Off: only the conversions that JSON needs. */
  validate?: boolean;
}

/** Prepares the codec of one payload type. */
export function compileCodec(ref: TypeRef, options: CodecOptions = {}): ValueCodec {
  const validate = options.validate !== false;
  const toConv = toWireConverter(ref) ?? ((v: unknown) => v);
  const fromConv = fromWireConverter(ref) ?? ((v: unknown) => v);
  const missing: CodecResult = { ok: false, violations: ['value is missing'] };
  if (!validate) {
    return {
      toWire: (value) => (value === undefined ? missing : { ok: true, value: toConv(value) }),
      fromWire: (value) => (value === undefined ? missing : { ok: true, value: fromConv(value) }),
    };
  }
  const rootSchema = typeSchema(ref);
  const outCheck = guarded(nodeCheck(ref, rootSchema, 'out'));
  const inCheck = ref.kind === 'raw' ? outCheck : guarded(nodeCheck(ref, rootSchema, 'in'));
  const outExtra = extraRules(ref, 'out');
  const inExtra = extraRules(ref, 'in');
  const fail = (violations: CvViolation[]): CodecResult => ({ ok: false, violations: violations.map((c) => `${shownPath(c.path)}: ${c.message}`) });
  return {
    toWire: (value) => {
      if (value === undefined) return missing;
      if (!outCheck(value, '', undefined)) return { ok: false, violations: explain(ref, outCheck, value) };
      if (outExtra) {
        const extra = outExtra(value, value);
        if (extra.length > 0) return fail(extra);
      }
      return { ok: true, value: toConv(value) };
    },
    fromWire: (value) => {
      if (value === undefined) return missing;
      if (!inCheck(value, '', undefined)) return { ok: false, violations: explain(ref, inCheck, value) };
      const converted = fromConv(value);
      if (inExtra) {
        const extra = inExtra(value, converted);
        if (extra.length > 0) return fail(extra);
      }
      return { ok: true, value: converted };
    },
  };
}
