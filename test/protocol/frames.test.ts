import { expect } from 'chai';
import {
  HEARTBEAT_FRAME,
  OPEN_FRAME,
  ProtocolError,
  closeFrame,
  decodeClientFrame,
  decodeServerFrame,
  encodeClientFrame,
  encodeServerFrame,
  normalizeMsbUrl,
  rawUrl,
  sockJsUrl,
} from '../../lib/protocol';

function throwsProtocol(fn: () => unknown, re: RegExp): void {
  expect(fn).to.throw(ProtocolError, re);
}

describe('protocol/frames', () => {
  it('encodes client frames: SockJS JSON array or raw', () => {
    expect(encodeClientFrame('R {"a":"\\""}', true)).to.equal('["R {\\"a\\":\\"\\\\\\"\\"}"]');
    expect(encodeClientFrame('pong', true)).to.equal('["pong"]');
    expect(encodeClientFrame('pong', false)).to.equal('pong');
  });

  it('encodes server frames with one message each, and the SockJS control frames', () => {
    expect(encodeServerFrame('IO_CONNECTED', true)).to.equal('a["IO_CONNECTED"]');
    expect(encodeServerFrame('IO_CONNECTED', false)).to.equal('IO_CONNECTED');
    expect(OPEN_FRAME).to.equal('o');
    expect(HEARTBEAT_FRAME).to.equal('h');
    expect(closeFrame(3000, 'Go away!')).to.equal('c[3000,"Go away!"]');
  });

  it('decodes server frames', () => {
    expect(decodeServerFrame('o', true)).to.deep.equal({ kind: 'open' });
    expect(decodeServerFrame('h', true)).to.deep.equal({ kind: 'heartbeat' });
    expect(decodeServerFrame('a["IO_CONNECTED"]', true)).to.deep.equal({ kind: 'messages', messages: ['IO_CONNECTED'] });
    expect(decodeServerFrame('a["x","y\\"z"]', true)).to.deep.equal({ kind: 'messages', messages: ['x', 'y"z'] });
    expect(decodeServerFrame('c[3000,"Go away!"]', true)).to.deep.equal({ kind: 'close', code: 3000, reason: 'Go away!' });
    expect(decodeServerFrame('o', false)).to.deep.equal({ kind: 'messages', messages: ['o'] });
    expect(decodeServerFrame('C {"a":1}', false)).to.deep.equal({ kind: 'messages', messages: ['C {"a":1}'] });
  });

  it('rejects bad server frames', () => {
    throwsProtocol(() => decodeServerFrame('x', true), /unknown SockJS frame type/);
    throwsProtocol(() => decodeServerFrame('', true), /unknown SockJS frame type/);
    throwsProtocol(() => decodeServerFrame('a{', true), /bad JSON/);
    throwsProtocol(() => decodeServerFrame('a[1]', true), /only strings/);
    throwsProtocol(() => decodeServerFrame('a"x"', true), /JSON array/);
    throwsProtocol(() => decodeServerFrame('c[1]', true), /close frame/);
    throwsProtocol(() => decodeServerFrame(null as unknown as string, true), /must be a string/);
  });

  it('decodes client frames, tolerating C#\'s trailing newline', () => {
    expect(decodeClientFrame('["R {}"]', true)).to.deep.equal(['R {}']);
    expect(decodeClientFrame('["R {}"]\n', true)).to.deep.equal(['R {}']);
    expect(decodeClientFrame('  ["a","b"] \r\n', true)).to.deep.equal(['a', 'b']);
    expect(decodeClientFrame('[]', true)).to.deep.equal([]);
    expect(decodeClientFrame('R {}\n', false)).to.deep.equal(['R {}']);
    expect(decodeClientFrame('R {}\r\n', false)).to.deep.equal(['R {}']);
    expect(decodeClientFrame('pong', false)).to.deep.equal(['pong']);
  });

  it('rejects bad client frames', () => {
    throwsProtocol(() => decodeClientFrame('R {}', true), /bad JSON in SockJS client frame/);
    throwsProtocol(() => decodeClientFrame('{"a":1}', true), /JSON array of strings/);
    throwsProtocol(() => decodeClientFrame('[1,"x"]', true), /only strings/);
    throwsProtocol(() => decodeClientFrame('"pong"', true), /JSON array/);
  });

  describe('URLs', () => {
    it('normalises schemes as a prefix replacement only', () => {
      expect(normalizeMsbUrl('http://host:8085')).to.equal('ws://host:8085');
      expect(normalizeMsbUrl('https://host:8084')).to.equal('wss://host:8084');
      expect(normalizeMsbUrl('HTTPS://host')).to.equal('wss://host');
      expect(normalizeMsbUrl('ws://host')).to.equal('ws://host');
      expect(normalizeMsbUrl('wss://host')).to.equal('wss://host');
      expect(normalizeMsbUrl('ws://host/base/http://x')).to.equal('ws://host/base/http://x');
      expect(normalizeMsbUrl('  http://host/  ')).to.equal('ws://host');
    });

    it('collapses trailing slashes and a trailing /websocket/data', () => {
      expect(normalizeMsbUrl('http://host:1/')).to.equal('ws://host:1');
      expect(normalizeMsbUrl('http://host:1///')).to.equal('ws://host:1');
      expect(normalizeMsbUrl('https://host/prefix/websocket/data/')).to.equal('wss://host/prefix');
    });

    it('rejects other schemes and missing schemes clearly', () => {
      throwsProtocol(() => normalizeMsbUrl('ftp://host'), /unsupported scheme "ftp"/);
      throwsProtocol(() => normalizeMsbUrl('localhost:8085'), /unsupported scheme "localhost"|no scheme/);
      throwsProtocol(() => normalizeMsbUrl('host'), /no scheme/);
      throwsProtocol(() => normalizeMsbUrl(''), /empty/);
      throwsProtocol(() => normalizeMsbUrl('http://'), /no host/);
    });

    it('builds SockJS URLs with fresh 3-digit and 32-hex ids', () => {
      const a = sockJsUrl('http://h:1/');
      const b = sockJsUrl('http://h:1/');
      const re = /^ws:\/\/h:1\/websocket\/data\/\d{3}\/[0-9a-f]{32}\/websocket$/;
      expect(a).to.match(re);
      expect(b).to.match(re);
      expect(a).to.not.equal(b);
      expect(sockJsUrl('wss://h', 7, 'abc')).to.equal('wss://h/websocket/data/7/abc/websocket');
      throwsProtocol(() => sockJsUrl('ws://h', 1234), /1 to 3 digits/);
      throwsProtocol(() => sockJsUrl('ws://h', 1, 'a/b'), /session id/);
    });

    it('builds raw URLs', () => {
      expect(rawUrl('https://h:8084/')).to.equal('wss://h:8084/websocket/data/websocket');
    });
  });
});
