import 'reflect-metadata';
import { expect } from 'chai';
import { DataType, Property } from '../../lib';
import { fromWireConverter, toWireConverter } from '../../lib/schema/wire-conversion';

class Plain { @Property(DataType.STRING) name!: string; }
class Blob { @Property(DataType.BYTE) key!: Buffer; @Property(DataType.DATETIME) at!: Date; @Property(DataType.DATETIME) text!: string; }
class Node { @Property(Blob) blob!: Blob; @Property(Node, { isArray: true }) children!: Node[]; }

describe('wire conversion: what JSON cannot carry as it is', () => {
  it('converts nothing where nothing needs it, so such values cost nothing', () => {
    expect(toWireConverter({ kind: 'simple', dataType: DataType.INT64 })).to.equal(undefined);
    expect(toWireConverter({ kind: 'array', items: { kind: 'simple', dataType: DataType.STRING } })).to.equal(undefined);
    expect(toWireConverter({ kind: 'dto', target: Plain })).to.equal(undefined);
    expect(toWireConverter({ kind: 'raw', format: { dataObject: { type: 'string' } } })).to.equal(undefined);
    expect(fromWireConverter({ kind: 'raw', format: { dataObject: { type: 'string' } } })).to.equal(undefined);
  });

  it('going out, Buffers become base64 and Dates their ISO text, in arrays and DTOs at any depth', () => {
    const bytes = toWireConverter({ kind: 'array', items: { kind: 'simple', dataType: DataType.BYTE } })!;
    expect(bytes([Buffer.from([1]), 'AQ=='])).to.deep.equal(['AQ==', 'AQ==']);
    const node = toWireConverter({ kind: 'dto', target: Node })!;
    const wire = node({ blob: { key: Buffer.from([1]), at: 'x', text: 't' }, children: [{ blob: { key: Buffer.from([2]) }, children: [] }] });
    expect(JSON.parse(JSON.stringify(wire))).to.deep.equal({ blob: { key: 'AQ==', at: 'x', text: 't' }, children: [{ blob: { key: 'Ag==' }, children: [] }] });
  });

  it('coming in, a DTO becomes an instance whose fields declared Date or Buffer hold one, through a self-referencing class', () => {
    const node = fromWireConverter({ kind: 'dto', target: Node })!;
    const blob = { key: 'AQ==', at: '2026-11-30T02:30:00Z', text: '2026-11-30T02:30:00Z' };
    const v = node({ blob, children: [{ blob, children: [] }] }) as Node;
    expect(v).to.be.instanceOf(Node);
    for (const b of [v.blob, v.children[0].blob]) {
      expect(b.key).to.deep.equal(Buffer.from([1]));
      expect(b.at).to.be.instanceOf(Date);
      expect(b.text).to.equal('2026-11-30T02:30:00Z');
    }
    expect(node('not an object')).to.equal('not an object');
  });
});
