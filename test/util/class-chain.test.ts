import { expect } from 'chai';
import { classChain } from '../../lib/util/class-chain';

describe('util/class-chain', () => {
  it('lists the classes from the root of the chain down to the class, Object left out', () => {
    class A {}
    class B extends A {}
    class C extends B {}
    expect(classChain(C)).to.deep.equal([A, B, C]);
    expect(classChain(A)).to.deep.equal([A]);
  });

  it('stops at Function.prototype for a class without a base, and works for plain functions and built-in bases', () => {
    class Free extends (null as unknown as ObjectConstructor) {}
    expect(classChain(Free)).to.deep.equal([Free]);
    function Old(): void {}
    expect(classChain(Old)).to.deep.equal([Old]);
    class Failure extends Error {}
    expect(classChain(Failure)).to.deep.equal([Error, Failure]);
  });
});
