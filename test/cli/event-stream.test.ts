import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CliError } from '../../lib/cli/errors';
import { subscribe } from '../../lib/cli/event-stream';
import { brokerCommand } from '../../lib/cli/commands';

/** A server that answers `GET /events` with `body` (after the subscription comment) and keeps the stream open. */
async function streamServer(body: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(': subscribed\n\n');
    res.write(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

async function firstEvent(url: string, maxEventChars?: number): Promise<unknown> {
  const sub = await subscribe(url, {}, maxEventChars);
  try {
    const { value } = await sub.events.next();
    return value;
  } finally {
    sub.close();
  }
}

describe('cli/event-stream: the broker\'s GET /events as msb watch and msb call --wait read it', () => {
  const servers: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => { for (const s of servers.splice(0)) await s.close(); });

  it('yields each event, its data lines joined', async () => {
    const s = await streamServer('event: msb\ndata: {"eventId":"a",\ndata: "uuid":"u"}\n\n');
    servers.push(s);
    expect(await firstEvent(s.url)).to.deep.equal({ eventId: 'a', uuid: 'u' });
  });

  it('ends with a CliError naming the stream when an event is not JSON', async () => {
    const s = await streamServer('data: {broken\n\n');
    servers.push(s);
    const error = await firstEvent(s.url).then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(CliError);
    expect((error as Error).message).to.match(new RegExp(`^the event stream from ${s.url} sent an event that is not JSON \\(.+\\): \\{broken$`));
  });

  it('ends with a CliError when an event grows beyond the bound without ending', async () => {
    const s = await streamServer(`data: "${'x'.repeat(5000)}`);
    servers.push(s);
    const error = await firstEvent(s.url, 1000).then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(CliError);
    expect((error as Error).message).to.equal(`the event stream from ${s.url} sent more than 1000 characters without ending an event; is this an msb broker?`);
  });
});

describe('cli/broker-command', () => {
  it('names the TLS option whose file it cannot read', async () => {
    const error = await brokerCommand({ port: 0, host: '127.0.0.1', tlsKey: '/no/such/key.pem', tlsCert: '/no/such/cert.pem' }, () => undefined).then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(CliError);
    expect((error as Error).message).to.equal('--tls-key: cannot read /no/such/key.pem (ENOENT)');
  });
});
