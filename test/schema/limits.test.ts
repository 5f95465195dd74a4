import { expect } from 'chai';
import { FLOAT_MAX, INT32_MAX, INT32_MIN, isBase64, isDateTime, isFloat, isInt32 } from '../../lib/schema/limits';

describe('schema/limits', () => {
  it('isInt32: whole numbers from -2^31 to 2^31 - 1', () => {
    expect([INT32_MIN, INT32_MAX]).to.deep.equal([-(2 ** 31), 2 ** 31 - 1]);
    for (const n of [0, -0, 1, INT32_MIN, INT32_MAX]) expect(isInt32(n), String(n)).to.equal(true);
    for (const n of [INT32_MIN - 1, INT32_MAX + 1, 0.5, NaN, Infinity, -Infinity]) expect(isInt32(n), String(n)).to.equal(false);
  });

  it('isFloat: finite numbers within single precision', () => {
    expect(FLOAT_MAX).to.equal(Math.fround(FLOAT_MAX));
    for (const n of [0, 1.5, -FLOAT_MAX, FLOAT_MAX, 1e-45]) expect(isFloat(n), String(n)).to.equal(true);
    for (const n of [FLOAT_MAX * 1.0000001, -1e39, NaN, Infinity]) expect(isFloat(n), String(n)).to.equal(false);
  });

  it('isBase64: padded standard base64 only', () => {
    for (const s of ['', 'AA==', 'AAE=', 'AAEC', 'q+/9', Buffer.from('any bytes at all').toString('base64')]) expect(isBase64(s), s).to.equal(true);
    for (const s of ['AA', 'AAE', 'A===', 'AA=A', 'q-_9', 'AA==AA==', ' AAEC', 'AAEC\n']) expect(isBase64(s), s).to.equal(false);
  });

  it('isDateTime: RFC 3339 with a zone and a real calendar day (a space for the T, as RFC 3339 and Ajv allow)', () => {
    for (const s of ['2026-11-30T02:30:00Z', '2026-11-30T02:30:00.123+01:00', '2024-02-29t00:00:00z', '2016-12-31T23:59:60Z', '2026-11-30 02:30:00Z']) expect(isDateTime(s), s).to.equal(true);
    for (const s of ['2026-11-30T02:30:00', '2026-11-30', '2025-02-29T00:00:00Z', '2026-13-01T00:00:00Z', '2026-11-30T24:00:00Z', 'yesterday', '']) expect(isDateTime(s), s).to.equal(false);
  });
});
