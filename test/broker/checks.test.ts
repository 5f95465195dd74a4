import { expect } from 'chai';
import { checkCall, checkConfig, findFunction } from '../../lib/broker/checks';
import type { ServiceRecord } from '../../lib/broker/registry';

/** A registered service with the given function and configuration descriptions. */
function record(functions: unknown[], parameters?: Record<string, unknown>): ServiceRecord {
  return {
    uuid: 'u1',
    name: 'Drill',
    class: 'SmartObject',
    selfDescription: { uuid: 'u1', functions, ...(parameters ? { configuration: { parameters } } : {}) },
    eventIds: new Set(),
    functionIds: new Set(),
    verified: false,
    registeredAt: new Date(0),
    bytes: 0,
  };
}

const FORCE = ' (force: true sends anyway)';

describe('broker/checks', () => {
  describe('findFunction', () => {
    it('finds the exact id first, else the id with or without a leading slash', () => {
      const s = record([{ functionId: 'start' }, { functionId: '/stop' }, { functionId: '/both' }, { functionId: 'both' }, 'not an object']);
      expect(findFunction(s, 'start')).to.deep.equal({ functionId: 'start' });
      expect(findFunction(s, '/start')).to.deep.equal({ functionId: 'start' });
      expect(findFunction(s, 'stop')).to.deep.equal({ functionId: '/stop' });
      expect(findFunction(s, '/both')).to.equal(s.selfDescription.functions![2]);
      expect(findFunction(s, 'both')).to.equal(s.selfDescription.functions![3]);
      expect(findFunction(s, 'drill')).to.equal(undefined);
      expect(findFunction(record(undefined as never), 'start'), 'no function list').to.equal(undefined);
    });
  });

  describe('checkCall', () => {
    it('refuses an unknown function, listing the declared ones', () => {
      expect(checkCall(record([{ functionId: 'a' }, { functionId: '/b' }]), 'c', {})).to.deep.equal({
        code: 'UNKNOWN_FUNCTION',
        error: `service u1 "Drill" has no function "c"; it declares "a", "/b"${FORCE}`,
        violations: [],
      });
      expect(checkCall(record([]), 'c', {})).to.deep.include({ error: `service u1 "Drill" has no function "c"; it declares none${FORCE}` });
    });

    it('returns the declared id for a call that fits the data format (dataObject form)', () => {
      const s = record([{ functionId: '/drill', dataFormat: { dataObject: { type: 'integer', format: 'int32' } } }]);
      expect(checkCall(s, 'drill', { dataObject: 5 })).to.deep.equal({ functionId: '/drill' });
    });

    it('refuses parameters that do not fit, naming each violation by its path', () => {
      const s = record([{ functionId: 'drill', dataFormat: { dataObject: { type: 'object', required: ['depth'], properties: { depth: { type: 'integer' }, tool: { type: 'string' } } } } }]);
      expect(checkCall(s, 'drill', {})).to.deep.equal({
        code: 'INVALID_PARAMETERS',
        error: `the parameters do not fit the data format of drill: (parameters) must have required property 'dataObject'${FORCE}`,
        violations: ["(parameters) must have required property 'dataObject'"],
      });
      const refusal = checkCall(s, 'drill', { dataObject: { depth: 'deep', tool: 3 } });
      expect(refusal).to.deep.include({ code: 'INVALID_PARAMETERS' });
      expect((refusal as { violations: string[] }).violations).to.deep.equal(['/dataObject/depth must be integer', '/dataObject/tool must be string']);
    });

    it('checks the Java form: one key per parameter, the other keys being definitions', () => {
      const s = record([{ functionId: 'move', dataFormat: { x: { type: 'number' }, to: { $ref: '#/definitions/Point' }, Point: { type: 'object', required: ['y'], properties: { y: { type: 'number' } } } } }]);
      expect(checkCall(s, 'move', { x: 1, to: { y: 2 } })).to.deep.equal({ functionId: 'move' });
      expect((checkCall(s, 'move', { x: 'far', to: {} }) as { violations: string[] }).violations).to.deep.equal(['/x must be number', "/to must have required property 'y'"]);
    });

    it('reports at most 20 violations', () => {
      const properties = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`p${i}`, { type: 'string' }]));
      const s = record([{ functionId: 'f', dataFormat: { dataObject: { type: 'object', properties } } }]);
      const bad = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`p${i}`, i]));
      const refusal = checkCall(s, 'f', { dataObject: bad }) as { violations: string[] };
      expect(refusal.violations).to.have.length(20);
      expect(refusal.violations[19]).to.equal('/dataObject/p19 must be string');
    });

    it('does not block a call whose data format cannot be compiled, or that declares none', () => {
      const s = record([{ functionId: 'odd', dataFormat: { dataObject: { $ref: '#/nowhere' } } }, { functionId: 'bare' }]);
      expect(checkCall(s, 'odd', { dataObject: 1 })).to.deep.equal({ functionId: 'odd' });
      expect(checkCall(s, 'bare', { anything: true })).to.deep.equal({ functionId: 'bare' });
    });
  });

  describe('checkConfig', () => {
    const s = record([], {
      depth: { type: 'integer', format: 'int32', value: 1 },
      big: { type: 'INTEGER', value: 1 },
      ratio: { type: 'number', format: 'float', value: 1 },
      exact: { type: 'number', value: 1 },
      on: { type: 'boolean', value: true },
      label: { type: 'string', value: '' },
      since: { type: 'string', format: 'date-time', value: '2026-01-01T00:00:00Z' },
      blob: { type: 'string', format: 'byte', value: '' },
      list: { type: 'array', value: [] },
      map: { type: 'object', value: {} },
      free: { type: 'whatever', value: 1 },
    });

    it('accepts values of the registered JSON types and formats', () => {
      expect(checkConfig(s, { depth: -2_147_483_648, big: 2 ** 40, ratio: 1.5, exact: 1e300, on: false, label: 'x', since: '2026-11-30T02:30:00Z', blob: 'AAE=', list: [1], map: { a: 1 }, free: 'anything' })).to.equal(undefined);
      expect(checkConfig(s, {})).to.equal(undefined);
    });

    it('refuses a value that does not fit, naming the parameter, the value and the type', () => {
      const cases: Array<[string, unknown, string]> = [
        ['depth', 2 ** 31, `depth: 2147483648 is outside the INT32 range (integer int32)`],
        ['depth', 1.5, 'depth: 1.5 is not an integer (integer int32)'],
        ['big', '1', 'big: "1" is not an integer (INTEGER)'],
        ['ratio', 1e39, 'ratio: 1e+39 is outside the FLOAT range (number float)'],
        ['exact', 'NaN', 'exact: "NaN" is not a number (number)'],
        ['on', 'true', 'on: "true" is not a boolean (boolean)'],
        ['label', 1, 'label: 1 is not a string (string)'],
        ['since', 'yesterday', 'since: "yesterday" is not a date-time (string date-time)'],
        ['blob', 'AAE', 'blob: "AAE" is not base64 (format byte) (string byte)'],
        ['list', {}, 'list: {} is not an array (array)'],
        ['map', [], 'map: [] is not an object (object)'],
      ];
      for (const [name, value, violation] of cases) {
        expect(checkConfig(s, { [name]: value }), name).to.deep.equal({ code: 'INVALID_VALUE', error: `${violation}${FORCE}`, violations: [violation] });
      }
      // a long value is cut short in the message
      expect(checkConfig(s, { map: 'x'.repeat(100) })!.violations).to.deep.equal([`map: "${'x'.repeat(56)}... is not an object (object)`]);
    });

    it('refuses unknown parameter names before values, listing the declared ones', () => {
      const refusal = checkConfig(record([], { a: { type: 'string' }, b: { type: 'string' } }), { a: 1, nope: 1, constructor: 1 });
      expect(refusal).to.deep.equal({
        code: 'UNKNOWN_PARAMETER',
        error: `service u1 "Drill" has no configuration parameter "nope", "constructor"; it declares "a", "b"${FORCE}`,
        violations: ['nope: no such parameter', 'constructor: no such parameter'],
      });
      expect(checkConfig(record([]), { a: 1 })!.error).to.equal(`service u1 "Drill" has no configuration parameter "a"; it declares none${FORCE}`);
    });

    it('reports at most 20 violations of either kind', () => {
      const many = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`n${i}`, i]));
      expect(checkConfig(record([]), many)!.violations).to.have.length(20);
      const declared = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`n${i}`, { type: 'string' }]));
      expect(checkConfig(record([], declared), many)!.violations).to.have.length(20);
    });
  });
});
