import { expect } from 'chai';
import { describeThrown } from '../../lib/util/describe-thrown';

describe('util/describe-thrown', () => {
  it('describes Errors by their message, else their name', () => {
    expect(describeThrown(new Error('disk full'))).to.equal('disk full');
    expect(describeThrown(new TypeError(''))).to.equal('TypeError');
    class OwnError extends Error {
      override name = 'OwnError';
    }
    expect(describeThrown(new OwnError())).to.equal('OwnError');
  });

  it('describes strings and other primitives as themselves', () => {
    expect(describeThrown('no drill bit')).to.equal('no drill bit');
    expect(describeThrown('')).to.equal('');
    expect(describeThrown(42)).to.equal('42');
    expect(describeThrown(undefined)).to.equal('undefined');
    expect(describeThrown(null)).to.equal('null');
    expect(describeThrown(false)).to.equal('false');
    expect(describeThrown(10n)).to.equal('10');
    expect(describeThrown(Symbol('s'))).to.equal('Symbol(s)');
  });

  it('describes other objects by their tag and JSON, cut at 200 characters', () => {
    expect(describeThrown({ code: 7 })).to.equal('a thrown non-Error [object Object] {"code":7}');
    expect(describeThrown([1, 'a'])).to.equal('a thrown non-Error [object Array] [1,"a"]');
    expect(describeThrown({ text: 'x'.repeat(300) })).to.equal(`a thrown non-Error [object Object] ${`{"text":"${'x'.repeat(300)}"}`.slice(0, 200)}…`);
  });

  it('falls back to the tag when the JSON says nothing or cannot be made, and never throws', () => {
    expect(describeThrown({})).to.equal('a thrown non-Error [object Object]');
    expect(describeThrown(new Map([[1, 2]]))).to.equal('a thrown non-Error [object Map]');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(describeThrown(cyclic)).to.equal('a thrown non-Error [object Object]');
    expect(describeThrown({ n: 1n })).to.equal('a thrown non-Error [object Object]');
    expect(describeThrown({ toJSON() { throw new Error('no'); } })).to.equal('a thrown non-Error [object Object]');
    expect(describeThrown({ toJSON: () => undefined })).to.equal('a thrown non-Error [object Object]');
    const hostile = { get [Symbol.toStringTag](): string { throw new Error('no tag'); }, toJSON() { throw new Error('no'); } };
    expect(describeThrown(hostile)).to.equal('a thrown non-Error object');
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    expect(describeThrown(revoked.proxy)).to.equal('a thrown value that cannot be described');
    const failing = new Error('hidden');
    Object.defineProperty(failing, 'message', { get() { throw new Error('no message'); } });
    expect(describeThrown(failing)).to.equal('a thrown value that cannot be described');
  });
});
