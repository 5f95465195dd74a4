import { expect } from 'chai';
import { MsbAsyncApiError } from '../../lib/asyncapi/errors';
import { serverOf } from '../../lib/asyncapi/server';

describe('asyncapi/server', () => {
  it('takes host, protocol and the websocket path from the url a client is given', () => {
    expect(serverOf('ws://localhost:8085')).to.deep.equal({
      host: 'localhost:8085',
      protocol: 'ws',
      pathname: '/websocket/data',
      description: 'The MSB websocket interface. SockJS clients connect to /websocket/data/{serverId}/{sessionId}/websocket, raw clients to /websocket/data/websocket.',
    });
  });

  it('maps http to ws and https to wss, keeps a base path once, and leaves out userinfo, query and fragment', () => {
    const s = serverOf('https://user:secret@msb.example.org:8084/base/?token=t#f');
    expect([s.host, s.protocol, s.pathname]).to.deep.equal(['msb.example.org:8084', 'wss', '/base/websocket/data']);
    expect(JSON.stringify(s)).to.not.match(/user|secret|token|#f/);
    expect(serverOf('http://msb/websocket/data/').pathname).to.equal('/websocket/data');
    expect(serverOf('http://msb').protocol).to.equal('ws');
  });

  it('uses the protocol and description it is given', () => {
    const s = serverOf({ url: 'http://msb:8085', protocol: 'stomp', description: 'ours' });
    expect([s.protocol, s.description]).to.deep.equal(['stomp', 'ours']);
  });

  it('refuses a malformed url with an MsbAsyncApiError that quotes it', () => {
    expect(() => serverOf('msb host')).to.throw(MsbAsyncApiError, 'server url "msb host" is not a url (expected e.g. ws://localhost:8085)');
  });
});
