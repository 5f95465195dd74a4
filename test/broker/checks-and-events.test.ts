import { expect } from 'chai';
import http from 'node:http';
import { Fixture, TestClient, bodyOf, changed, isPublishAnswer, smartObject, uid, until, within } from '../support';

async function post(base: string, path: string, body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(base + path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  return { status: res.status, json: await res.json() };
}

/** A raw `GET /events` client: every parsed event, in order, and the stream's end. */
class StreamClient {
  readonly events: any[] = [];
  status = 0;
  body = '';
  ended = false;
  private buffer = '';
  readonly req: http.ClientRequest;
  res?: http.IncomingMessage;
  readonly opened: Promise<void>;

  constructor(url: string, headers: Record<string, string> = {}) {
    this.req = http.get(url, { headers });
    this.opened = new Promise((resolve, reject) => {
      this.req.on('error', reject);
      this.req.on('response', (res) => {
        this.res = res;
        this.status = res.statusCode ?? 0;
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          this.body += d;
          if (this.status !== 200) return;
          this.buffer += d;
          let end: number;
          while ((end = this.buffer.indexOf('\n\n')) >= 0) {
            const frame = this.buffer.slice(0, end);
            this.buffer = this.buffer.slice(end + 2);
            // the first comment confirms the subscription
            if (frame.startsWith(': subscribed')) resolve();
            const data = frame.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n');
            if (data) this.events.push(JSON.parse(data));
          }
          changed();
        });
        const done = (): void => {
          this.ended = true;
          changed();
          resolve();
        };
        res.on('end', done);
        res.on('close', done);
        res.on('error', done);
      });
    });
  }

  /** Resolves once `n` events arrived (or the stream ended: then the caller's assertion tells). */
  count(n: number, ms = 3000): Promise<void> {
    return until(() => this.events.length >= n || this.ended, () => `${n} streamed events (got ${this.events.length})`, ms);
  }

  close(): void {
    this.req.destroy();
  }
}

describe('broker: REST checks and the event stream', function () {
  this.timeout(15000);
  const fx = Fixture.eachTest();
  const streams: StreamClient[] = [];
  const stream = (query = '', headers: Record<string, string> = {}): StreamClient => {
    const s = new StreamClient(`${fx.broker.httpUrl}/events${query}`, headers);
    streams.push(s);
    return s;
  };
  afterEach(() => streams.splice(0).forEach((s) => s.close()));

  async function registered(): Promise<{ c: TestClient; uuid: string }> {
    const c = await fx.connect();
    const uuid = uid();
    await c.registerAndWait(smartObject(uuid));
    return { c, uuid };
  }

  async function publish(c: TestClient, e: Parameters<TestClient['publish']>[0]): Promise<void> {
    c.publish(e);
    expect(await c.next(isPublishAnswer)).to.match(/IO_PUBLISHED/);
  }

  describe('POST /service/{uuid}/call', () => {
    it('refuses an unknown function with 422 naming the declared ones; a leading "/" is matched either way', async () => {
      const { c, uuid } = await registered();
      const r = await post(fx.broker.httpUrl, `/service/${uuid}/call`, { functionId: 'nope', parameters: {} });
      expect(r.status).to.equal(422);
      expect(r.json.code).to.equal('UNKNOWN_FUNCTION');
      expect(r.json.error).to.contain('no function "nope"').and.contain('"/arrayfun", "fn"');
      const slash = await post(fx.broker.httpUrl, `/service/${uuid}/call`, { functionId: 'arrayfun', parameters: { dataObject: ['a'] } });
      expect(slash.status, JSON.stringify(slash.json)).to.equal(200);
      expect(slash.json.functionId).to.equal('/arrayfun');
      expect(bodyOf(await c.next((m) => m.startsWith('C '))).functionId).to.equal('/arrayfun');
      const other = await post(fx.broker.httpUrl, `/service/${uuid}/call`, { functionId: '/fn', parameters: { dataObject: 'x' } });
      expect(other.json.functionId).to.equal('fn');
      expect(bodyOf(await c.next((m) => m.startsWith('C '))).functionId).to.equal('fn');
    });

    it('refuses parameters the data format rejects with 422 and the violations; force: true sends them anyway', async () => {
      const { c, uuid } = await registered();
      const r = await post(fx.broker.httpUrl, `/service/${uuid}/call`, { functionId: 'fn', parameters: { dataObject: 42 } });
      expect(r.status).to.equal(422);
      expect(r.json.code).to.equal('INVALID_PARAMETERS');
      expect(r.json.violations).to.deep.equal(['/dataObject must be string']);
      const missing = await post(fx.broker.httpUrl, `/service/${uuid}/call`, { functionId: '/arrayfun', parameters: {} });
      expect(missing.status).to.equal(422);
      expect(missing.json.error).to.contain("must have required property 'dataObject'");
      const items = await post(fx.broker.httpUrl, `/service/${uuid}/call`, { functionId: '/arrayfun', parameters: { dataObject: ['a', 1] } });
      expect(items.json.violations).to.deep.equal(['/dataObject/1 must be string']);
      const unknownForced = await post(fx.broker.httpUrl, `/service/${uuid}/call`, { functionId: 'nope', parameters: { dataObject: 42 }, force: true });
      expect(unknownForced.status).to.equal(200);
      expect(bodyOf(await c.next((m) => m.startsWith('C ')))).to.deep.include({ functionId: 'nope', functionParameters: { dataObject: 42 } });
      const badForce = await post(fx.broker.httpUrl, `/service/${uuid}/call`, { functionId: 'fn', force: 'yes' });
      expect(badForce.status).to.equal(400);
      expect(badForce.json.error).to.contain('"force" must be true or false');
      // nothing refused reached the service: the only C messages were the two accounted for
      expect(c.queue.filter((m) => m.startsWith('C '))).to.deep.equal([]);
    });
  });

  describe('POST /service/{uuid}/configuration', () => {
    it('refuses unknown names and values of the wrong type with 422; force: true sends them anyway', async () => {
      const { c, uuid } = await registered();
      const unknown = await post(fx.broker.httpUrl, `/service/${uuid}/configuration`, { params: { p1: true, nope: 1 } });
      expect(unknown.status).to.equal(422);
      expect(unknown.json.code).to.equal('UNKNOWN_PARAMETER');
      expect(unknown.json.error).to.contain('no configuration parameter "nope"; it declares "p1"');
      const wrong = await post(fx.broker.httpUrl, `/service/${uuid}/configuration`, { params: { p1: 'maybe' } });
      expect(wrong.status).to.equal(422);
      expect(wrong.json.code).to.equal('INVALID_VALUE');
      expect(wrong.json.violations).to.deep.equal(['p1: "maybe" is not a boolean (BOOLEAN)']);
      const forced = await post(fx.broker.httpUrl, `/service/${uuid}/configuration`, { params: { nope: 'x' }, force: true });
      expect(forced.status).to.equal(200);
      expect(bodyOf(await c.next((m) => m.startsWith('K ')))).to.deep.equal({ uuid, params: { nope: 'x' } });
      expect(c.queue.filter((m) => m.startsWith('K '))).to.deep.equal([]);
    });

    it('checks integer ranges, formats of strings, arrays and objects', async () => {
      const c = await fx.connect();
      const uuid = uid();
      const parameters = {
        i: { value: 1, type: 'INTEGER', format: 'INT32' },
        n: { value: 1.5, type: 'number', format: 'FLOAT' },
        d: { value: '2026-01-01T00:00:00Z', type: 'STRING', format: 'DATE_TIME' },
        b: { value: 'AA==', type: 'string', format: 'byte' },
        a: { value: [], type: 'ARRAY' },
        o: { value: {}, type: 'OBJECT' },
      };
      await c.registerAndWait(smartObject(uuid, { configuration: { parameters } }));
      const bad = await post(fx.broker.httpUrl, `/service/${uuid}/configuration`, { params: { i: 2 ** 31, n: 1e39, d: 'soon', b: 'not base64!', a: {}, o: [] } });
      expect(bad.status).to.equal(422);
      expect(bad.json.violations).to.have.length(6);
      expect(bad.json.violations[0]).to.equal('i: 2147483648 is outside the INT32 range (INTEGER INT32)');
      const good = await post(fx.broker.httpUrl, `/service/${uuid}/configuration`, { params: { i: -5, n: 2.5, d: '2026-11-30T00:00:00Z', b: 'AAE=', a: [1], o: { x: 1 } } });
      expect(good.status, JSON.stringify(good.json)).to.equal(200);
    });
  });

  describe('GET /events', () => {
    it('streams every accepted event with service, event id, correlation id, priority, postDate and payload', async () => {
      const { c, uuid } = await registered();
      const all = stream();
      await all.opened;
      await publish(c, { uuid, eventId: 'EV1', correlationId: 'k1', priority: 2, postDate: '2026-11-30T00:00:00.000Z', dataObject: 'hello' });
      await publish(c, { uuid, eventId: 'NOPAY', postDate: '2026-11-30T00:00:01.000Z' });
      await all.count(2);
      expect(all.events).to.deep.equal([
        { service: uuid, eventId: 'EV1', correlationId: 'k1', priority: 2, postDate: '2026-11-30T00:00:00.000Z', payload: 'hello' },
        { service: uuid, eventId: 'NOPAY', priority: 0, postDate: '2026-11-30T00:00:01.000Z' },
      ]);
    });

    it('filters by service, event and correlation id', async () => {
      const a = await registered();
      const b = await registered();
      const byService = stream(`?service=${encodeURIComponent(b.uuid)}`);
      const byEvent = stream('?event=arrayev');
      const byCorrelation = stream('?correlationId=wanted');
      await Promise.all([byService.opened, byEvent.opened, byCorrelation.opened]);
      await publish(a.c, { uuid: a.uuid, eventId: 'EV1', dataObject: 'a1', correlationId: 'wanted' });
      await publish(a.c, { uuid: a.uuid, eventId: 'arrayev', dataObject: ['a2'] });
      await publish(b.c, { uuid: b.uuid, eventId: 'EV1', dataObject: 'b1' });
      await publish(b.c, { uuid: b.uuid, eventId: 'arrayev', dataObject: ['b2'], correlationId: 'other' });
      // a last event every filter lets through marks the end: everything before it has been delivered
      await publish(b.c, { uuid: b.uuid, eventId: 'arrayev', dataObject: ['end'], correlationId: 'wanted' });
      await Promise.all([byService.count(3), byEvent.count(3), byCorrelation.count(2)]);
      expect(byService.events.map((e) => e.payload)).to.deep.equal(['b1', ['b2'], ['end']]);
      expect(byEvent.events.map((e) => e.payload)).to.deep.equal([['a2'], ['b2'], ['end']]);
      expect(byCorrelation.events.map((e) => e.payload)).to.deep.equal(['a1', ['end']]);
    });

    it('holds at most maxEventStreams clients (503 beyond) and frees a place when one leaves', async () => {
      await fx.restart({ maxEventStreams: 2 });
      const one = stream();
      const two = stream();
      await Promise.all([one.opened, two.opened]);
      const three = stream();
      await three.opened;
      expect(three.status).to.equal(503);
      expect(JSON.parse(three.body).error).to.contain('2 event stream clients already connected (maxEventStreams)');
      expect(fx.broker.stats().refused.eventStreams).to.equal(1);
      one.close();
      await within(
        (async () => {
          while (fx.broker.stats().eventStreams !== 1) await new Promise((r) => setImmediate(r));
        })(),
        3000,
        'the broker to notice the stream client left',
      );
      const four = stream();
      await four.opened;
      expect(four.status).to.equal(200);
    });

    it('drops a client that stops reading, and keeps serving the others', async () => {
      await fx.restart({ maxBufferedBytes: 64 * 1024 });
      const { c, uuid } = await registered();
      const stalled = stream();
      const reader = stream();
      await Promise.all([stalled.opened, reader.opened]);
      stalled.res!.pause();
      // smaller than the bound, so that the client that reads is never dropped
      const payload = 'x'.repeat(16_000);
      let sent = 0;
      // kernel buffers take some megabytes first; 5,000 events are 80 MB, far beyond them
      while (fx.broker.stats().eventStreamsDropped === 0 && sent < 5000) {
        await publish(c, { uuid, eventId: 'EV1', dataObject: payload });
        sent++;
        await reader.count(sent, 10_000);
      }
      expect(fx.broker.stats().eventStreamsDropped, `after ${sent} events`).to.equal(1);
      expect(fx.broker.stats().eventStreams).to.equal(1);
      await publish(c, { uuid, eventId: 'EV1', dataObject: 'after' });
      await reader.count(sent + 1);
      expect(reader.events).to.have.length(sent + 1);
      expect(reader.events[sent].payload).to.equal('after');
      // the stalled client's connection was destroyed: reading on, it sees the end of the stream
      stalled.res!.resume();
      await within(stalled.opened.then(() => new Promise<void>((r) => (stalled.ended ? r() : stalled.res!.once('close', () => r())))), 5000, 'the stalled stream to end');
    });

    it('needs the admin secret like the other routes; POST is 405', async () => {
      await fx.restart({ adminSecret: 's3cret' });
      const refused = stream();
      await refused.opened;
      expect(refused.status).to.equal(401);
      const allowed = stream('', { authorization: 'Bearer s3cret' });
      await allowed.opened;
      expect(allowed.status).to.equal(200);
      const res = await fetch(`${fx.broker.httpUrl}/events`, { method: 'POST', headers: { authorization: 'Bearer s3cret' } });
      expect(res.status).to.equal(405);
    });

    it('ends every stream when the broker closes', async () => {
      const s = stream();
      await s.opened;
      await fx.broker.close();
      await within(new Promise<void>((r) => (s.ended ? r() : s.res!.once('close', () => r()))), 3000, 'the stream to end');
      expect(s.ended).to.equal(true);
    });
  });
});
