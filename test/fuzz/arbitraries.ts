import fc from 'fast-check';
import { expect } from 'chai';

/**
 * Budget shared by every fuzzer. `npm test` runs each property with a small fixed budget and a
 * fixed seed, so a failure there is reproducible; `npm run fuzz` sets FUZZ_RUNS, scaled by
 * `longScale` for properties whose runs are slow (sockets). A failing run prints its seed and
 * path; replay it with FUZZ_SEED.
 */
export function fuzzParams<T>(defaultRuns: number, longScale = 1): fc.Parameters<T> {
  const runs = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) * longScale : defaultRuns;
  const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 0x5eed_2026;
  if (!Number.isFinite(runs) || runs <= 0) throw new Error(`FUZZ_RUNS must be a positive integer, got ${process.env.FUZZ_RUNS}`);
  if (!Number.isInteger(seed)) throw new Error(`FUZZ_SEED must be an integer, got ${process.env.FUZZ_SEED}`);
  return { seed, numRuns: Math.max(1, Math.round(runs)), reporter: shortReport };
}

/**
 * fast-check's report with each line cut to 1500 characters: a counterexample of 20,000 nested
 * brackets would otherwise bury the seed, the path and the cause.
 */
function shortReport<T>(details: fc.RunDetails<T>): void {
  if (!details.failed) return;
  const text = fc.defaultReportMessage(details) ?? 'property failed';
  const short = text
    .split('\n')
    .map((l) => (l.length > 1500 ? `${l.slice(0, 1500)}… (${l.length} characters)` : l))
    .join('\n');
  throw new Error(short, { cause: details.errorInstance });
}

/** Whether the long budget is on: the mocha timeout of each property then grows with it. */
export function fuzzTimeout(defaultMs: number, perRunMs: number): number {
  const runs = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : 0;
  return Math.max(defaultMs, runs * perRunMs);
}

/** Keys that have reached prototypes in other libraries' parsers and mergers. */
export const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

/** Characters that break naive escaping, framing or UTF-8/UTF-16 handling. */
const NASTY_CHARS = [
  '"', '\\', '/', '\0', '\b', '\f', '\n', '\r', '\t', '\u0001', '\u001f', '\u007f',
  '\u2028', '\u2029', '\uFEFF', '\uFFFD', '\uFFFF', '\uD800', '\uDBFF', '\uDC00', '\uDFFF',
  '\uD83D\uDE00', '[', ']', '{', '}', 'a', 'c', 'o', 'h', 'R', 'E', 'C', 'K', ' ', '~', '$',
];

/** One UTF-16 unit or pair: ASCII, any code point, a lone surrogate or a nasty character. */
const hostileUnit = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_CHARS) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) },
);

/** Strings with unicode, lone surrogates, control characters, quotes, backslashes, U+2028. */
export function hostileString(maxLength = 24): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.string({ unit: hostileUnit, maxLength }) },
    { weight: 1, arbitrary: fc.constantFrom('', ...PROTO_KEYS, 'pong', 'ping', 'IO_CONNECTED', 'polluted', 'toString', 'hasOwnProperty') },
  );
}

/** Object keys: mostly hostile, often a prototype key. */
export const hostileKey = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...PROTO_KEYS, 'polluted', 'toString', 'valueOf', '@class', 'uuid', 'dataObject', '') },
  { weight: 3, arbitrary: hostileString(12) },
);

const numberText = fc.oneof(
  fc.integer().map(String),
  fc.double().map((d) => JSON.stringify(d)), // NaN and Infinity become null
  fc.constantFrom('-0', '1e400', '-1e400', '5e-324', '9007199254740993', '0.1', '1E2', '-0.0e-0'),
);

/**
 * JSON *text* (always valid JSON) of nested values with hostile keys and strings, duplicate
 * keys and odd numbers. Generated as text, not as values, so that a `__proto__` key reaches
 * the code under test exactly as JSON.parse produces it: an own data property.
 */
export const hostileJsonText: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('null', 'true', 'false'),
    numberText,
    hostileString().map((s) => JSON.stringify(s)),
    fc.array(tie('value'), { maxLength: 5 }).map((items) => `[${items.join(',')}]`),
    fc
      .array(fc.tuple(hostileKey, tie('value')), { maxLength: 5 })
      .map((pairs) => `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
  ),
})).value;

/** A JSON object text with hostile content. */
export const hostileJsonObjectText: fc.Arbitrary<string> = fc
  .array(fc.tuple(hostileKey, hostileJsonText), { maxLength: 6 })
  .map((pairs) => `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`);

/** A JSON value as JSON.parse makes it (own `__proto__` properties included). */
export const hostileJsonValue: fc.Arbitrary<unknown> = hostileJsonText.map((t) => JSON.parse(t) as unknown);

/** A JSON object value as JSON.parse makes it. */
export const hostileJsonObject: fc.Arbitrary<Record<string, unknown>> = hostileJsonObjectText.map(
  (t) => JSON.parse(t) as Record<string, unknown>,
);

/** `depth` nested arrays or `{"__proto__": …}` objects around `inner`, as text. */
export function nestedText(depth: number, kind: 'array' | 'object' | 'proto', inner = '1'): string {
  if (kind === 'array') return '['.repeat(depth) + inner + ']'.repeat(depth);
  const open = kind === 'object' ? '{"a":' : '{"__proto__":';
  return open.repeat(depth) + inner + '}'.repeat(depth);
}

/** Deeply nested JSON text: shallow most of the time, sometimes past any stack. */
export const deepJsonText: fc.Arbitrary<string> = fc
  .tuple(
    fc.oneof(fc.integer({ min: 1, max: 1200 }), fc.integer({ min: 1200, max: 20_000 })),
    fc.constantFrom<'array' | 'object' | 'proto'>('array', 'object', 'proto'),
  )
  .map(([d, k]) => nestedText(d, k));

/** Pointers that try to reach prototypes, escape oddly or are malformed. */
export const hostilePointer: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '', '/', '/__proto__', '/__proto__/polluted', '/constructor/prototype/polluted', '/dataObject/__proto__',
    '/dataObject/constructor', '/prototype', '/~0', '/~1', '~', '/~', '/~2', '/a~1b', '/-', '/0', '/00', '/dataObject/-',
    '/dataObject', '/correlationId', '/uuid', '/dataObject/0/__proto__', 'dataObject', '/x/'.repeat(3),
  ),
  fc.array(fc.oneof(hostileKey, fc.constantFrom('-', '0', '1')), { minLength: 1, maxLength: 4 }).map((segs) => `/${segs.join('/')}`),
  fc.integer({ min: 100, max: 20_000 }).map((n) => '/a'.repeat(n)),
  hostileString(),
);

/** A `${...}` template over hostile pointers. */
export const hostileTemplate: fc.Arbitrary<string> = fc.oneof(
  hostilePointer.map((p) => `\${${p}}`),
  fc.tuple(hostileString(6), hostilePointer, hostileString(6)).map(([a, p, b]) => `${a}\${${p}}${b}`),
);

// ---- prototype pollution -------------------------------------------------------------------

const GUARDED: ReadonlyArray<[string, object]> = [
  ['Object.prototype', Object.prototype],
  ['Array.prototype', Array.prototype],
  ['Function.prototype', Function.prototype],
  ['String.prototype', String.prototype],
];

type Snapshot = Array<[string, string[]]>;

function describeProps(o: object): string[] {
  return Reflect.ownKeys(o).map((k) => {
    const d = Object.getOwnPropertyDescriptor(o, k)!;
    const what = 'value' in d ? typeof d.value : 'accessor';
    return `${String(k)}:${what}:${String(d.writable)}:${String(d.enumerable)}`;
  });
}

/** The own properties of the built-in prototypes, to compare after fuzzing. */
export function snapshotPrototypes(): Snapshot {
  return GUARDED.map(([name, o]) => [name, describeProps(o)]);
}

/** Fails when any built-in prototype gained, lost or changed a property, or `({}).polluted` exists. */
export function expectNoPollution(before: Snapshot): void {
  const probe: Record<string, unknown> = {};
  expect(probe.polluted, '({}).polluted').to.equal(undefined);
  expect(Object.getPrototypeOf(probe)).to.equal(Object.prototype);
  expect(snapshotPrototypes()).to.deep.equal(before);
}
