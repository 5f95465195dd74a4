import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, cleanPath, parseJsonBody, readBody, sendJson, sendJsonText } from '../../lib/broker/http';

/** A request body arriving in `chunks`, with the given headers; it records whether it was resumed (drained unread). */
function request(headers: Record<string, string>, chunks: string[], end = true, error?: Error): IncomingMessage & { resumed: boolean } {
  const req = Object.assign(new EventEmitter(), { headers, resumed: false, resume() { req.resumed = true; return req; } });
  // the body arrives after readBody has attached its listeners, as a socket's data would
  setImmediate(() => {
    for (const c of chunks) req.emit('data', Buffer.from(c));
    if (error) req.emit('error', error);
    if (end) req.emit('end');
  });
  return req as unknown as IncomingMessage & { resumed: boolean };
}

/** The HttpError `p` rejects with; fails the test when it resolves. */
async function httpError(p: Promise<unknown>): Promise<HttpError> {
  const outcome = await p.then((v) => ({ value: v }), (e: unknown) => ({ error: e }));
  if (!('error' in outcome)) throw new Error(`expected an HttpError, got ${JSON.stringify(outcome.value)}`);
  expect(outcome.error).to.be.instanceOf(HttpError);
  return outcome.error as HttpError;
}

describe('broker/http', () => {
  describe('readBody', () => {
    it('joins the chunks of a body within the limit, decoding UTF-8 across chunk boundaries', async () => {
      const bytes = Buffer.from('{"a":"é"}');
      const split = [bytes.subarray(0, 7).toString('latin1'), bytes.subarray(7).toString('latin1')];
      const req = Object.assign(new EventEmitter(), { headers: {}, resume() { return req; } });
      setImmediate(() => {
        for (const part of split) req.emit('data', Buffer.from(part, 'latin1'));
        req.emit('end');
      });
      expect(await readBody(req as unknown as IncomingMessage, bytes.length)).to.equal('{"a":"é"}');
      expect(await readBody(request({}, []), 10)).to.equal('');
    });

    it('refuses a declared length over the limit with 413 before reading, draining the request', async () => {
      const req = request({ 'content-length': '11' }, ['x'.repeat(11)]);
      const e = await httpError(readBody(req, 10));
      expect([e.status, e.message]).to.deep.equal([413, 'request body of 11 bytes exceeds the limit of 10']);
      expect(req.resumed).to.equal(true);
    });

    it('refuses a body that grows over the limit with 413, whatever its headers said', async () => {
      const e = await httpError(readBody(request({ 'content-length': '5' }, ['123456', '78901']), 10));
      expect([e.status, e.message]).to.deep.equal([413, 'request body exceeds the limit of 10 bytes']);
      expect(await readBody(request({ 'content-length': 'many' }, ['12345', '67890']), 10), 'exactly the limit').to.equal('1234567890');
    });

    it('turns a broken request into 400', async () => {
      const e = await httpError(readBody(request({}, ['12'], false, new Error('aborted')), 10));
      expect([e.status, e.message]).to.deep.equal([400, 'could not read the request body: aborted']);
    });
  });

  describe('parseJsonBody', () => {
    it('parses JSON; an empty or blank body is undefined', () => {
      expect(parseJsonBody('{"a":[1,2]}')).to.deep.equal({ a: [1, 2] });
      expect(parseJsonBody('')).to.equal(undefined);
      expect(parseJsonBody(' \n')).to.equal(undefined);
      expect(parseJsonBody('0')).to.equal(0);
    });

    it('refuses text that is not JSON, and JSON nested more than 1000 levels, with 400', () => {
      const bad = (text: string): HttpError => {
        try {
          parseJsonBody(text);
        } catch (e) {
          expect(e).to.be.instanceOf(HttpError);
          return e as HttpError;
        }
        throw new Error(`accepted ${text.slice(0, 20)}`);
      };
      const notJson = bad('{a:1}');
      expect(notJson.status).to.equal(400);
      expect(notJson.message).to.match(/^the request body is not valid JSON: /);
      const deep = bad(`${'['.repeat(1001)}${']'.repeat(1001)}`);
      expect([deep.status, deep.message]).to.deep.equal([400, 'the request body is nested more than 1000 levels deep']);
      expect(parseJsonBody(`${'['.repeat(1000)}${']'.repeat(1000)}`)).to.be.an('array');
    });
  });

  describe('sendJson', () => {
    it('writes the status, a JSON content type and the length in bytes, then the body', () => {
      const written: unknown[] = [];
      const res = { writeHead: (...args: unknown[]) => written.push(['head', ...args]), end: (text: string) => written.push(['end', text]) } as unknown as ServerResponse;
      sendJson(res, 404, { error: 'no service "é"' });
      sendJsonText(res, 200, '[]');
      const body = JSON.stringify({ error: 'no service "é"' });
      expect(written).to.deep.equal([
        ['head', 404, { 'content-type': 'application/json;charset=UTF-8', 'content-length': Buffer.byteLength(body) }],
        ['end', body],
        ['head', 200, { 'content-type': 'application/json;charset=UTF-8', 'content-length': 2 }],
        ['end', '[]'],
      ]);
      expect(Buffer.byteLength(body)).to.equal(body.length + 1);
    });
  });

  describe('cleanPath', () => {
    it('collapses repeated slashes, drops the query and fragment, and decodes escapes', () => {
      expect(cleanPath('//service///u1/call?x=1#f')).to.equal('/service/u1/call');
      expect(cleanPath('/service/a%20b')).to.equal('/service/a b');
      expect(cleanPath(undefined)).to.equal('/');
      expect(cleanPath('')).to.equal('');
    });

    it('keeps a path with a bad escape undecoded, so that it matches no route', () => {
      expect(cleanPath('/service/%E0%A4%A')).to.equal('/service/%E0%A4%A');
    });
  });
});
