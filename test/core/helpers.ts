import { dataFormatProblems } from '../../lib/schema/data-format-schema';
import { expect } from 'chai';
import { MsbDeclarationError, selfDescriptionOf } from '../../lib';
import type { SelfDescription, SelfDescriptionOptions } from '../../lib';

/** The identity every test service uses unless it tests identity itself. */
export const IDENTITY = {
  uuid: '76499d88-34cf-4836-8cc1-7e0d9c54dac1',
  name: 'Drill 7',
  description: 'Pillar drill in hall B',
  token: '5e0d9c54dac1',
};

/** Identity from the decorator only: the developer's environment must not leak into tests. */
export const ISOLATED = { env: false, propertiesFile: false } as const;

/** The self-description, read with {@link ISOLATED} unless options say otherwise. */
export function describeIsolated(target: Function, options: SelfDescriptionOptions = {}): SelfDescription {
  const sd = selfDescriptionOf(target, { ...ISOLATED, ...options });
  // Every data format the decorators build must pass the MSB meta-schema: the builder relies on
  // that being true by construction, and every test that describes a class checks it here.
  for (const e of sd.events) if (e.dataFormat) expect(dataFormatProblems(e.dataFormat, 'event'), `event ${e.eventId}`).to.deep.equal([]);
  for (const f of sd.functions) if (f.dataFormat) expect(dataFormatProblems(f.dataFormat, 'function'), `function ${f.functionId}`).to.deep.equal([]);
  return sd;
}

/** The data format of the event with the given id. */
export function eventFormat(target: Function, eventId: string): Record<string, unknown> | undefined {
  const event = describeIsolated(target).events.find((e) => e.eventId === eventId);
  expect(event, `event ${eventId}`).to.not.equal(undefined);
  return event!.dataFormat;
}

/** The data format of the function with the given id. */
export function functionFormat(target: Function, functionId: string): Record<string, unknown> | undefined {
  const fn = describeIsolated(target).functions.find((f) => f.functionId === functionId);
  expect(fn, `function ${functionId}`).to.not.equal(undefined);
  return fn!.dataFormat;
}

/**
 * Asserts that reading `target` throws one MsbDeclarationError for `className` whose problems
 * include, for each entry of `expected`, a line containing every one of its fragments
 * (typically the class and member name plus a word of the cause). Returns the problems.
 */
export function expectDeclarationError(
  target: Function,
  className: string,
  expected: ReadonlyArray<readonly string[]>,
  options: SelfDescriptionOptions = {},
): readonly string[] {
  let error: unknown;
  try {
    selfDescriptionOf(target, { ...ISOLATED, ...options });
  } catch (e) {
    error = e;
  }
  expect(error, 'selfDescriptionOf should throw').to.be.instanceOf(MsbDeclarationError);
  const problems = (error as MsbDeclarationError).problems;
  expect((error as MsbDeclarationError).className).to.equal(className);
  for (const fragments of expected) {
    const match = problems.find((p) => fragments.every((f) => p.includes(f)));
    expect(match, `a problem containing ${JSON.stringify(fragments)} in:\n${problems.join('\n')}`).to.not.equal(undefined);
  }
  return problems;
}
