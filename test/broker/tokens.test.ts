import { expect } from 'chai';
import { TokenStore, sameSecret } from '../../lib/broker/tokens';

describe('broker/tokens', () => {
  it('compares secrets in constant time and exactly', () => {
    expect(sameSecret('abc', 'abc')).to.equal(true);
    expect(sameSecret('abc', 'abd')).to.equal(false);
    expect(sameSecret('abc', 'abcd')).to.equal(false);
    expect(sameSecret('é', 'e')).to.equal(false);
  });

  it('binds a uuid to the first issued token that verifies it, for good; another token is refused with a reason naming no secret', () => {
    const t = new TokenStore(10);
    const a = t.issue('owner-1')!;
    const b = t.issue('owner-1')!;
    expect(t.isClaimed('svc')).to.equal(false);
    expect(t.verify(a, 'svc')).to.equal(undefined);
    expect(t.isClaimed('svc')).to.equal(true);
    const refusal = t.verify(b, 'svc')!;
    expect(refusal).to.match(/bound to the token it was first verified with/);
    expect(refusal).to.not.contain(a).and.not.contain(b);
    expect(t.verify(a, 'svc')).to.equal(undefined); // the holder registers again
    expect(t.verify(a, 'other')).to.match(/already verifies another service/);
  });

  it('refuses missing, unknown and other owners\' tokens for a uuid that tokens were issued for', () => {
    const t = new TokenStore(10);
    expect(t.verify(undefined, 'svc')).to.equal('no token given');
    expect(t.verify('made-up', 'svc')).to.equal('the token was not issued by this broker');
    const own = t.issue('svc')!;
    const foreign = t.issue('someone-else')!;
    expect(t.isClaimed('svc')).to.equal(true);
    expect(t.verify(foreign, 'svc')).to.match(/tokens were issued for svc; only one of those registers it/);
    expect(t.verify(own, 'svc')).to.equal(undefined);
  });

  it('issues at most max tokens', () => {
    const t = new TokenStore(2);
    expect([t.issue('a'), t.issue('b')].every((x) => typeof x === 'string')).to.equal(true);
    expect(t.issue('c')).to.equal(undefined);
    expect(t.size).to.equal(2);
    expect(t.isIssued('nope')).to.equal(false);
  });
});
