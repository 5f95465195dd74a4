import { expect } from 'chai';
import { ComponentKeys } from '../../lib/asyncapi/component-keys';

describe('asyncapi/component-keys', () => {
  it('hands out keys of the characters AsyncAPI allows, distinct within one namespace', () => {
    const keys = new ComponentKeys();
    expect(['a b', 'a b', 'a_b', 'ä', '', 'x'.repeat(100)].map((w) => keys.take(w))).to.deep.equal([
      'a_b', 'a_b_2', 'a_b_3', '_', '__2', 'x'.repeat(80),
    ]);
    expect(new ComponentKeys().take('a b'), 'another namespace starts afresh').to.equal('a_b');
  });

  it('never hands out a name plain objects inherit', () => {
    const keys = new ComponentKeys();
    expect(['__proto__', 'hasOwnProperty', 'constructor', 'toString'].map((w) => keys.take(w))).to.deep.equal([
      '__proto___', 'hasOwnProperty_', 'constructor_', 'toString_',
    ]);
  });
});
