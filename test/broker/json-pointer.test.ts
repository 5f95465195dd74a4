import { expect } from 'chai';
import { JsonPointerError, getPointer, setPointer } from '../../lib/broker/json-pointer';

describe('broker/json-pointer', () => {
  const event = { uuid: 'u', eventId: 'e', priority: 0, postDate: 'd', correlationId: 'c', dataObject: { 'a/b': 1, 'm~n': 2, list: [10, 20], deep: { x: { y: true } } } };

  it('reads RFC 6901 pointers, own properties only', () => {
    expect(getPointer(event, '')).to.equal(event);
    expect(getPointer(event, '/dataObject/a~1b')).to.equal(1);
    expect(getPointer(event, '/dataObject/m~0n')).to.equal(2);
    expect(getPointer(event, '/dataObject/list/1')).to.equal(20);
    expect(getPointer(event, '/dataObject/list/01')).to.equal(undefined);
    expect(getPointer(event, '/dataObject/deep/x/y')).to.equal(true);
    expect(getPointer(event, '/missing/x')).to.equal(undefined);
    expect(getPointer(event, '/constructor')).to.equal(undefined);
    expect(getPointer(event, '/dataObject/__proto__')).to.equal(undefined);
    expect(() => getPointer(event, 'dataObject')).to.throw(JsonPointerError, /start with "\/"/);
    expect(() => getPointer(event, '/a~2')).to.throw(JsonPointerError, /escape/);
  });

  it('writes creating intermediate objects and refuses prototype segments', () => {
    const doc: Record<string, unknown> = {};
    setPointer(doc, '/a/b/c', 1);
    setPointer(doc, '/list', []);
    setPointer(doc, '/list/-', 'x');
    setPointer(doc, '/list/1', 'y');
    setPointer(doc, '/e~1f', 2);
    expect(doc).to.deep.equal({ a: { b: { c: 1 } }, list: ['x', 'y'], 'e/f': 2 });
    for (const bad of ['/__proto__/polluted', '/a/constructor/prototype', '/prototype']) {
      expect(() => setPointer(doc, bad, true), bad).to.throw(JsonPointerError, /forbidden segment/);
    }
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    expect(() => setPointer(doc, '', 1)).to.throw(JsonPointerError, /empty/);
    expect(() => setPointer(doc, '/a/b/c/d', 1)).to.throw(JsonPointerError, /not an object/);
    expect(() => setPointer(doc, '/list/x', 1)).to.throw(JsonPointerError, /not an array index/);
  });
});
