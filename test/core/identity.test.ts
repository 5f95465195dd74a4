import 'reflect-metadata';
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Application, SmartObject, selfDescriptionOf } from '../../lib';
import { parseProperties } from '../../lib/metadata/properties-file';
import { expectDeclarationError } from './helpers';

const DECORATOR_UUID = '11111111-1111-4111-8111-111111111111';
const FILE_UUID = '22222222-2222-4222-8222-222222222222';
const ENV_UUID = '33333333-3333-4333-8333-333333333333';
const OPTION_UUID = '44444444-4444-4444-8444-444444444444';

function identityOf(sd: ReturnType<typeof selfDescriptionOf>) {
  return { '@class': sd['@class'], uuid: sd.uuid, name: sd.name, description: sd.description, token: sd.token };
}

describe('service identity', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'msb-identity-')); });
  afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

  function propertiesFile(text: string): string {
    const path = join(dir, 'application.properties');
    writeFileSync(path, text);
    return path;
  }

  @SmartObject({ uuid: DECORATOR_UUID, name: 'From decorator', description: 'decorator text', token: 'decorator-token' })
  class Layered {}

  it('takes every field from the decorator when nothing overrides it', () => {
    expect(identityOf(selfDescriptionOf(Layered, { env: false, propertiesFile: false }))).to.deep.equal({
      '@class': 'SmartObject', uuid: DECORATOR_UUID, name: 'From decorator', description: 'decorator text', token: 'decorator-token',
    });
  });

  it('defaults name to the class name and description to ""', () => {
    @Application({ uuid: DECORATOR_UUID, token: 't' })
    class NamedByClass {}
    const sd = selfDescriptionOf(NamedByClass, { env: false, propertiesFile: false });
    expect([sd['@class'], sd.name, sd.description]).to.deep.equal(['Application', 'NamedByClass', '']);
  });

  it('application.properties (msb.*) overrides the decorator', () => {
    const path = propertiesFile(`msb.uuid=${FILE_UUID}\nmsb.name=From file\nmsb.description=file text\nmsb.token=file-token\nmsb.type=Application\n`);
    expect(identityOf(selfDescriptionOf(Layered, { env: false, propertiesFile: path }))).to.deep.equal({
      '@class': 'Application', uuid: FILE_UUID, name: 'From file', description: 'file text', token: 'file-token',
    });
  });

  it('the environment (MSB_*) overrides application.properties', () => {
    const path = propertiesFile(`msb.uuid=${FILE_UUID}\nmsb.name=From file\nmsb.token=file-token\n`);
    const env = { MSB_UUID: ENV_UUID, MSB_TOKEN: 'env-token', MSB_DESCRIPTION: 'env text', MSB_TYPE: 'Application' };
    expect(identityOf(selfDescriptionOf(Layered, { env, propertiesFile: path }))).to.deep.equal({
      '@class': 'Application', uuid: ENV_UUID, name: 'From file', description: 'env text', token: 'env-token',
    });
  });

  it('options override the environment; each field falls through the layers on its own', () => {
    const path = propertiesFile(`msb.description=file text\nmsb.token=file-token\n`);
    const env = { MSB_UUID: ENV_UUID, MSB_TOKEN: 'env-token' };
    expect(identityOf(selfDescriptionOf(Layered, { env, propertiesFile: path, uuid: OPTION_UUID, type: 'Application' }))).to.deep.equal({
      '@class': 'Application', uuid: OPTION_UUID, name: 'From decorator', description: 'file text', token: 'env-token',
    });
  });

  it('ignores empty values in the environment and the properties file', () => {
    const path = propertiesFile('msb.uuid=\nmsb.token=\n');
    const sd = selfDescriptionOf(Layered, { env: { MSB_UUID: '', MSB_NAME: '' }, propertiesFile: path });
    expect([sd.uuid, sd.name, sd.token]).to.deep.equal([DECORATOR_UUID, 'From decorator', 'decorator-token']);
  });

  it('reads process.env when no env option is given', () => {
    const saved = process.env.MSB_NAME;
    process.env.MSB_NAME = 'From process env';
    try {
      expect(selfDescriptionOf(Layered, { propertiesFile: false }).name).to.equal('From process env');
    } finally {
      if (saved === undefined) delete process.env.MSB_NAME;
      else process.env.MSB_NAME = saved;
    }
  });

  it('reads application.properties from the working directory by default, and nothing when it is absent', () => {
    const cwd = process.cwd();
    try {
      process.chdir(dir);
      expect(selfDescriptionOf(Layered, { env: false }).name).to.equal('From decorator');
      propertiesFile('msb.name=From working directory\n');
      expect(selfDescriptionOf(Layered, { env: false }).name).to.equal('From working directory');
    } finally {
      process.chdir(cwd);
    }
  });

  it('reports a properties file path that was given but does not exist', () => {
    expectDeclarationError(Layered, 'Layered', [['Layered', 'does not exist']], { env: false, propertiesFile: join(dir, 'missing.properties') });
  });

  it('reports an msb.type that is not SmartObject, Application or Gateway', () => {
    expectDeclarationError(Layered, 'Layered', [['Layered', '"Robot"', 'not SmartObject, Application or Gateway']], { env: { MSB_TYPE: 'Robot' }, propertiesFile: false });
  });

  it('MSB_TYPE=Gateway makes the service a Gateway (without sub-services)', () => {
    const sd = selfDescriptionOf(Layered, { env: { MSB_TYPE: 'Gateway' }, propertiesFile: false });
    expect(sd['@class']).to.equal('Gateway');
    expect(sd.services).to.deep.equal([]);
  });

  it('the identity can come wholly from outside the code', () => {
    @SmartObject()
    class Bare {}
    const sd = selfDescriptionOf(Bare, { env: { MSB_UUID: ENV_UUID, MSB_TOKEN: 'tok' }, propertiesFile: false });
    expect([sd.uuid, sd.token, sd.name]).to.deep.equal([ENV_UUID, 'tok', 'Bare']);
  });
});

describe('application.properties parsing', () => {
  it('keeps "=" and ":" inside values', () => {
    const p = parseProperties('msb.url=wss://msb.example.com:8084/websocket?a=b\nmsb.token=abc=def==\n');
    expect(p.get('msb.url')).to.equal('wss://msb.example.com:8084/websocket?a=b');
    expect(p.get('msb.token')).to.equal('abc=def==');
  });

  it('accepts ":" and whitespace as separators, with spaces around them', () => {
    const p = parseProperties('a: one\nb = two\nc three\n  d:four  \ne=\n');
    expect([...p]).to.deep.equal([['a', 'one'], ['b', 'two'], ['c', 'three'], ['d', 'four'], ['e', '']]);
  });

  it('skips # and ! comments and blank lines', () => {
    const p = parseProperties('# msb.uuid=commented\n  ! msb.name=also commented\n\n   \nmsb.token=t\n');
    expect([...p]).to.deep.equal([['msb.token', 't']]);
  });

  it('joins continuation lines, dropping the continuation line\'s leading whitespace', () => {
    const p = parseProperties('msb.description=a long \\\n    description \\\n\tacross lines\nnext=1\n');
    expect(p.get('msb.description')).to.equal('a long description across lines');
    expect(p.get('next')).to.equal('1');
  });

  it('does not continue a line ending in an escaped backslash, and drops a lone continuation at the end of the file', () => {
    const p = parseProperties('path=C:\\\\dir\\\\\nnext=1\nlast=x\\');
    expect(p.get('path')).to.equal('C:\\dir\\');
    expect(p.get('next')).to.equal('1');
    expect(p.get('last')).to.equal('x');
  });

  it('handles CRLF line ends and \\uXXXX, \\t, \\= escapes', () => {
    const p = parseProperties('msb.name=Bohrer \\u00e4\\tB\r\nkey\\=with\\:sep=v\r\n');
    expect(p.get('msb.name')).to.equal('Bohrer ä\tB');
    expect(p.get('key=with:sep')).to.equal('v');
  });

  it('lets a later key win', () => {
    expect(parseProperties('k=1\nk=2\n').get('k')).to.equal('2');
  });
});
