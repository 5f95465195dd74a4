import { expect } from 'chai';
import { canonicalJson } from '../../lib/util/canonical-json';

describe('util/canonical-json', () => {
  it('gives equal JSON values one text, whatever the key order, at any depth; arrays keep their order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).to.equal('{"a":{"c":null,"d":[2,1]},"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).to.equal(canonicalJson({ b: 2, a: 1 }));
    expect(canonicalJson([1, 2])).to.not.equal(canonicalJson([2, 1]));
    expect(canonicalJson('x')).to.equal('"x"');
  });
});
