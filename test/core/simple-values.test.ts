import { expect } from 'chai';
import { DataType } from '../../lib';
import { fromWireScalar, simpleCheck, toWireScalar, wireScalar } from '../../lib/schema/simple-values';
import type { Direction } from '../../lib/schema/violations';

const DATE = '2026-11-30T02:30:00Z';

describe('simple values: what each DataType accepts going out and coming in', () => {
  it('accepts and refuses per DataType and direction', () => {
    // [type, direction, accepted, refused]
    const table: Array<[DataType, Direction, unknown[], unknown[]]> = [
      [DataType.STRING, 'out', ['', 'x'], [1, null, new Date(0)]],
      [DataType.BOOLEAN, 'in', [true, false], ['true', 0]],
      [DataType.INT32, 'in', [0, -(2 ** 31), 2 ** 31 - 1], [2 ** 31, 1.5, '1']],
      [DataType.INT64, 'in', [2 ** 53 - 1, -1], [2 ** 53, 1.5, '1']],
      [DataType.FLOAT, 'in', [1.5, 3.4e38], [1e39, Infinity, NaN]],
      [DataType.DOUBLE, 'in', [1e300], [Infinity, NaN, '1']],
      [DataType.DATETIME, 'out', [DATE, new Date(0)], [new Date(NaN), '2026-11-30', 0]],
      [DataType.DATETIME, 'in', [DATE], [new Date(0), '2026-11-30T02:30:00']],
      [DataType.BYTE, 'out', ['AAE=', Buffer.from([1]), new Uint8Array([1])], ['not base64!', 1]],
      [DataType.BYTE, 'in', ['AAE=', ''], [Buffer.from([1]), 'AAE']],
    ];
    for (const [type, dir, accepted, refused] of table) {
      const check = simpleCheck(type, dir);
      for (const v of accepted) expect(check(v, '', undefined), `${type} ${dir} accepts ${String(v)}`).to.equal(true);
      for (const v of refused) expect(check(v, '', undefined), `${type} ${dir} refuses ${String(v)}`).to.equal(false);
    }
  });

  it('names the type and the value it refused', () => {
    const out: Array<{ path: string; message: string; type?: boolean }> = [];
    simpleCheck(DataType.DATETIME, 'in')(new Date(0), 'at', out);
    expect(out).to.deep.equal([{ path: 'at', message: 'must be an ISO-8601 (RFC 3339) date-time string with a zone, got a Date', type: true }]);
  });

  it('a Date or a Buffer goes on the wire as its text; an invalid Date stays for the check to name', () => {
    const bytes = Buffer.from([9, 1, 2, 3]).subarray(1);
    expect(wireScalar(new Date(0))).to.equal('1970-01-01T00:00:00.000Z');
    expect(wireScalar(bytes)).to.equal('AQID');
    const invalid = new Date(NaN);
    expect(wireScalar(invalid)).to.equal(invalid);
    expect(wireScalar('x')).to.equal('x');
  });

  it('only DATETIME and BYTE are converted, both ways', () => {
    for (const t of [DataType.STRING, DataType.BOOLEAN, DataType.INT32, DataType.INT64, DataType.FLOAT, DataType.DOUBLE]) {
      expect(toWireScalar(t), t).to.equal(undefined);
      expect(fromWireScalar(t), t).to.equal(undefined);
    }
    expect(toWireScalar(DataType.BYTE)?.(Buffer.from([1]))).to.equal('AQ==');
    expect((fromWireScalar(DataType.DATETIME)?.(DATE) as Date).toISOString()).to.equal('2026-11-30T02:30:00.000Z');
    expect(fromWireScalar(DataType.BYTE)?.('AQ==')).to.deep.equal(Buffer.from([1]));
  });
});
