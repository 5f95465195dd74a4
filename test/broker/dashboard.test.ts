import { expect } from 'chai';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import { startBroker } from '../../lib/broker';
import type { Broker } from '../../lib/broker';
import { DashboardFilesError } from '../../lib/broker';
import { Dashboard } from '../../lib/broker/dashboard';
import { TestClient, bodyOf, isPublishAnswer, smartObject, uid } from '../support';

/** Debian's chromium; .ci/run installs it when missing. */
const CHROMIUM = '/usr/bin/chromium';
const SECRET = 'dashboard-test-secret-0123456789';
/** Bound of every wait on the page: generous for a busy machine, still fails a broken page. */
const WAIT_MS = 10_000;

function drill(uuid: string): Record<string, unknown> {
  return {
    uuid,
    name: 'Drill 7',
    description: 'a drill',
    token: 'tok',
    '@class': 'SmartObject',
    events: [
      { '@id': 1, eventId: 'drilled', name: 'Hole drilled', description: '', dataFormat: { dataObject: { $ref: '#/definitions/Hole' }, Hole: { type: 'object', properties: { depth: { type: 'integer' } } } } },
      { '@id': 2, eventId: 'temperature', name: 'Temperature', description: '', dataFormat: { dataObject: { type: 'number' } } },
    ],
    functions: [
      {
        functionId: 'drill',
        name: 'Drill a hole',
        description: '',
        dataFormat: {
          dataObject: { $ref: '#/definitions/Job' },
          Job: { type: 'object', properties: { depth: { type: 'integer', format: 'int32' }, label: { type: 'string' } }, required: ['depth'] },
        },
        responseEvents: [1],
      },
    ],
    configuration: { parameters: { speed: { value: 100, type: 'integer', format: 'int32' }, enabled: { value: true, type: 'boolean' } } },
  };
}

function mes(uuid: string): Record<string, unknown> {
  return {
    uuid,
    name: 'MES',
    description: 'orders',
    token: 'tok',
    '@class': 'Application',
    events: [{ '@id': 1, eventId: 'order', name: 'Order', description: '', dataFormat: { dataObject: { $ref: '#/definitions/Job' }, Job: { type: 'object', properties: { depth: { type: 'integer' } } } } }],
    functions: [],
    configuration: { parameters: {} },
  };
}

describe('the dashboard in headless Chromium', function () {
  this.timeout(30_000);
  let broker: Broker;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  const clients: TestClient[] = [];
  const requested: string[] = [];
  const pageErrors: string[] = [];
  const drillUuid = uid('drill');
  const mesUuid = uid('mes');
  let drillClient: TestClient;

  before(async function () {
    this.timeout(60_000);
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y --no-install-recommends chromium (.ci/run does this)`);
    broker = await startBroker({ adminSecret: SECRET });
    profile = mkdtempSync(join(tmpdir(), 'msb-dashboard-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(WAIT_MS);
    page.on('request', (r) => requested.push(r.url()));
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().includes('401')) pageErrors.push(m.text());
    });
  });

  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await context?.close();
    await broker?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  afterEach(function () {
    // a script error on the page fails the run right after the test in which it happened
    const errors = pageErrors.splice(0);
    if (errors.length) throw new Error(`the page reported errors during "${this.currentTest?.title}": ${errors.join(' | ')}`);
  });

  async function connect(): Promise<TestClient> {
    const c = await TestClient.connect(broker.url);
    clients.push(c);
    return c;
  }

  it('asks for the admin secret, then shows a service that registers, with its events, functions and configuration', async () => {
    await page.goto(`${broker.httpUrl}/`);
    await page.getByLabel('Admin secret').fill('not it');
    await page.getByRole('button', { name: 'Unlock' }).click();
    await page.locator('#auth-error', { hasText: 'A secret is printable ASCII without spaces.' }).waitFor();
    await page.getByLabel('Admin secret').fill('not-the-secret');
    await page.getByRole('button', { name: 'Unlock' }).click();
    await page.locator('#auth-error', { hasText: 'That secret was refused.' }).waitFor();
    await page.getByLabel('Admin secret').fill(SECRET);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await page.locator('#status', { hasText: 'Connected: live' }).waitFor();

    drillClient = await connect();
    expect(await drillClient.registerAndWait(drill(drillUuid))).to.equal('IO_REGISTERED');
    const card = page.locator(`details[data-uuid="${drillUuid}"]`);
    await card.locator('.badge.online').waitFor();
    const text = await card.innerText();
    for (const part of ['Drill 7', 'SmartObject', 'drilled', 'temperature', 'speed', 'integer (int32)', '100', 'Call drill']) {
      expect(text, `the card shows ${part}`).to.include(part);
    }
    // the secret went in headers only
    expect(requested.filter((u) => u.includes(SECRET)), 'URLs carrying the secret').to.deep.equal([]);
  });

  it("shows the service's events with their payloads, and filters them by event", async () => {
    drillClient.publish({ uuid: drillUuid, eventId: 'temperature', dataObject: 21.5 });
    drillClient.publish({ uuid: drillUuid, eventId: 'drilled', dataObject: { depth: 31337 } });
    expect(await drillClient.next(isPublishAnswer)).to.equal('IO_PUBLISHED');
    expect(await drillClient.next(isPublishAnswer)).to.equal('IO_PUBLISHED');
    const drilled = page.locator('#events li[data-event="drilled"]');
    await drilled.waitFor();
    expect(await drilled.innerText()).to.include('{"depth":31337}').and.include('Drill 7');
    expect(await page.locator('#events li[data-event="temperature"]').innerText()).to.include('21.5');

    await page.getByLabel('Event id').fill('temper');
    await page.getByRole('button', { name: 'Clear' }).click();
    drillClient.publish({ uuid: drillUuid, eventId: 'drilled', dataObject: { depth: 1 } });
    drillClient.publish({ uuid: drillUuid, eventId: 'temperature', dataObject: 22.5 });
    await drillClient.next(isPublishAnswer);
    await drillClient.next(isPublishAnswer);
    await page.locator('#events li[data-event="temperature"]', { hasText: '22.5' }).waitFor();
    // the events arrive in order: once the later one is shown, the filtered earlier one would be too
    expect(await page.locator('#events li').count()).to.equal(1);
    await page.getByLabel('Event id').fill('');
  });

  it('calls a function from the form (checking the fields first) and shows its response event', async () => {
    const form = page.locator('form.call[data-function="drill"]');
    await form.getByLabel(/^depth/).fill('deep');
    await form.getByRole('button', { name: 'Call' }).click();
    await form.locator('output', { hasText: 'Not sent' }).waitFor();
    expect(await form.locator('.error').first().innerText()).to.equal('"deep" is not an integer');

    await form.getByLabel(/^depth/).fill('12');
    await form.getByLabel(/^label/).fill('hole A');
    await form.getByRole('button', { name: 'Call' }).click();
    // the first call to reach the service is the valid one: the invalid one was never sent
    const call = bodyOf(await drillClient.next((m) => m.startsWith('C ')));
    expect(call).to.include({ uuid: drillUuid, functionId: 'drill' });
    expect(call.functionParameters).to.deep.equal({ dataObject: { depth: 12, label: 'hole A' } });
    expect(call.correlationId).to.be.a('string');
    await form.locator('output', { hasText: 'waiting for response events' }).waitFor();

    drillClient.publish({ uuid: drillUuid, eventId: 'drilled', correlationId: call.correlationId, dataObject: { depth: 12 } });
    await form.locator('output', { hasText: 'Response event drilled: {"depth":12}' }).waitFor();
    expect(drillClient.queue.filter((m) => m.startsWith('C '))).to.deep.equal([]);
  });

  it('changes a configuration parameter from the form, refusing a value of the wrong type before sending', async () => {
    const form = page.locator(`details[data-uuid="${drillUuid}"] form.config`);
    await form.getByLabel('Parameter').selectOption('speed');
    await form.getByLabel('New value').fill('1.5');
    await form.getByRole('button', { name: 'Set' }).click();
    await form.locator('.error', { hasText: '"1.5" is not an integer (integer (int32))' }).waitFor();

    await form.getByLabel('New value').fill('300');
    await form.getByRole('button', { name: 'Set' }).click();
    const k = bodyOf(await drillClient.next((m) => m.startsWith('K ')));
    expect(k).to.deep.include({ uuid: drillUuid, params: { speed: 300 } });
    await form.locator('output', { hasText: 'Sent: speed = 300' }).waitFor();
    expect(drillClient.queue.filter((m) => m.startsWith('K ')), 'configuration messages besides the valid one').to.deep.equal([]);
  });

  it('creates and deploys a flow from the page that routes an event, and undeploys it', async () => {
    const mesClient = await connect();
    expect(await mesClient.registerAndWait(mes(mesUuid))).to.equal('IO_REGISTERED');
    await page.locator(`details[data-uuid="${mesUuid}"]`).waitFor();
    const form = page.locator('#flow-form');
    await form.getByLabel('Name').fill('orders to drill');
    await form.getByLabel('From service').fill('MES');
    await form.getByLabel('Event').fill('order');
    await form.getByLabel('To service').fill('Drill 7');
    await form.getByLabel('Function').fill('drill');
    await form.getByRole('button', { name: 'Create flow' }).click();
    const row = page.locator('#flows tr', { hasText: 'orders to drill' });
    await row.locator('.state', { hasText: /^deployed$/ }).waitFor();
    expect(broker.flows().map((f) => f.deployed)).to.deep.equal([true]);

    mesClient.publish({ uuid: mesUuid, eventId: 'order', correlationId: 'order-1', dataObject: { depth: 5 } });
    const call = bodyOf(await drillClient.next((m) => m.startsWith('C ')));
    expect(call).to.deep.include({ functionId: 'drill', correlationId: 'order-1', functionParameters: { dataObject: { depth: 5 } } });

    // the README's screenshot: the page with a call answered, a configuration change and a routed event
    if (process.env.DASHBOARD_SCREENSHOT) await page.screenshot({ path: process.env.DASHBOARD_SCREENSHOT, fullPage: true });
    await row.getByRole('button', { name: 'Undeploy flow orders to drill' }).click();
    await row.locator('.state', { hasText: 'not deployed' }).waitFor();
    expect(broker.flows().map((f) => f.deployed)).to.deep.equal([false]);
  });

  it('pauses the stream (events still answer calls) and shows what came meanwhile on resume; filters by service', async () => {
    await page.getByRole('button', { name: 'Pause' }).click();
    const form = page.locator('form.call[data-function="drill"]');
    await form.getByLabel(/^depth/).fill('77');
    // the broker's answer to the call is held back until the response event is shown: a fast
    // service answers before the page hears back from the broker, and that must not be lost
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/call', async (route) => {
      const response = await route.fetch();
      await released;
      await route.fulfill({ response });
    });
    await form.getByRole('button', { name: 'Call' }).click();
    const call = bodyOf(await drillClient.next((m) => m.startsWith('C ')));
    drillClient.publish({ uuid: drillUuid, eventId: 'drilled', correlationId: call.correlationId, dataObject: { depth: 4242 } });
    // the page has the event once the call's output shows it: in the same step, it is queued
    await form.locator('output', { hasText: 'Response event drilled: {"depth":4242}' }).waitFor();
    expect(await form.locator('output').innerText()).to.include('Sending…');
    release();
    await form.locator('output', { hasText: 'waiting for response events' }).waitFor();
    await page.unroute('**/call');
    expect(await form.locator('output').innerText()).to.include('Response event drilled: {"depth":4242}');
    // two animation frames later an unpaused page would have drawn it
    await page.evaluate('new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))');
    expect(await page.locator('#events li', { hasText: '4242' }).count(), 'events drawn while paused').to.equal(0);
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.locator('#events li', { hasText: '4242' }).waitFor();

    await page.locator('#filter-service').selectOption(drillUuid);
    await page.getByRole('button', { name: 'Clear' }).click();
    const mesClient = clients[1];
    mesClient.publish({ uuid: mesUuid, eventId: 'order', dataObject: { depth: 8 } });
    expect(await mesClient.next(isPublishAnswer)).to.equal('IO_PUBLISHED');
    // (no flow is deployed: the order routes nowhere)
    drillClient.publish({ uuid: drillUuid, eventId: 'temperature', dataObject: 23.5 });
    expect(await drillClient.next(isPublishAnswer)).to.equal('IO_PUBLISHED');
    await page.locator('#events li', { hasText: '23.5' }).waitFor();
    // the broker streamed the order first: had the filter let it through, it would be drawn already
    expect(await page.locator('#events li').allInnerTexts()).to.have.length(1);
    await page.locator('#filter-service').selectOption('');
  });

  it('shows a gateway with its sub-services, and finds services by name', async () => {
    const gwUuid = uid('gw');
    const subUuid = uid('press');
    const gw = await connect();
    const sd = smartObject(gwUuid, { name: 'Cell gateway', '@class': 'Gateway', services: [smartObject(subUuid, { name: 'Press 3' })] });
    expect(await gw.registerAndWait(sd)).to.equal('IO_REGISTERED');
    const gwCard = page.locator(`details[data-uuid="${gwUuid}"]`);
    const subCard = page.locator(`details[data-uuid="${subUuid}"]`);
    await subCard.waitFor();
    expect(await gwCard.locator('dl').innerText()).to.match(/sub-services\s+Press 3/);
    expect(await subCard.locator('dl').innerText()).to.match(/sub-service of\s+Cell gateway/);
    expect(await subCard.innerText()).to.include('online');

    await page.getByLabel(/^Find a service/).fill('press');
    await page.locator(`details[data-uuid="${drillUuid}"]`).waitFor({ state: 'detached' });
    expect(await page.locator('#services details').count()).to.equal(1);
    expect(await page.locator('#service-more').innerText()).to.equal('1 of 4 services match.');
    await page.getByLabel(/^Find a service/).fill('');
    await page.locator(`details[data-uuid="${drillUuid}"]`).waitFor();
  });

  it('can be used with the keyboard alone: the pause button is reached with Tab and toggled with Enter', async () => {
    await page.getByLabel('Event id').focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).to.equal('pause');
    await page.keyboard.press('Enter');
    expect(await page.getByRole('button', { name: 'Resume' }).getAttribute('aria-pressed')).to.equal('true');
    await page.keyboard.press('Enter');
    expect(await page.getByRole('button', { name: 'Pause' }).getAttribute('aria-pressed')).to.equal('false');
  });

  it('labels every field it generated', async () => {
    // every field the page generated has a label a screen reader announces
    // (a string: the test is compiled without the DOM types)
    const unlabelled = await page.evaluate(
      `Array.from(document.querySelectorAll('input, select, textarea')).filter((e) => !e.labels.length && !e.closest('[hidden]')).map((e) => e.outerHTML.slice(0, 80))`,
    );
    expect(unlabelled).to.deep.equal([]);
  });
});

describe('the dashboard over plain HTTP', () => {
  let broker: Broker | undefined;
  afterEach(async () => {
    await broker?.close();
    broker = undefined;
  });

  it('serves the page and its files without the admin secret, locked down by headers; the data still needs the secret', async () => {
    broker = await startBroker({ adminSecret: SECRET });
    const page = await fetch(`${broker.httpUrl}/`);
    expect(page.status).to.equal(200);
    expect(page.headers.get('content-type')).to.equal('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).to.include("script-src 'self'").and.include("connect-src 'self'").and.include("frame-ancestors 'none'");
    expect(page.headers.get('x-content-type-options')).to.equal('nosniff');
    const html = await page.text();
    expect(html).to.include('<script src="/dashboard/app.js" defer></script>').and.not.include(SECRET);
    for (const [path, type] of [['/dashboard/app.js', 'text/javascript; charset=utf-8'], ['/dashboard/style.css', 'text/css; charset=utf-8']]) {
      const r = await fetch(broker.httpUrl + path);
      expect(r.status, path).to.equal(200);
      expect(r.headers.get('content-type'), path).to.equal(type);
      expect((await r.text()).length, path).to.be.greaterThan(100);
    }
    const head = await fetch(`${broker.httpUrl}/`, { method: 'HEAD' });
    expect(head.status).to.equal(200);
    const post = await fetch(`${broker.httpUrl}/`, { method: 'POST', body: '{}' });
    expect(post.status).to.equal(405);
    expect(((await post.json()) as { error: string }).error).to.equal('POST is not allowed on /');
    expect((await fetch(`${broker.httpUrl}/service`)).status).to.equal(401);
    expect((await fetch(`${broker.httpUrl}/events`)).status).to.equal(401);
    expect((await fetch(`${broker.httpUrl}/dashboard/other.js`)).status).to.equal(401);
  });

  it('serves no page with dashboard: false (the REST API is unchanged)', async () => {
    broker = await startBroker({ dashboard: false });
    const r = await fetch(`${broker.httpUrl}/`);
    expect(r.status).to.equal(404);
    expect(((await r.json()) as { error: string }).error).to.equal('no such path: /');
    expect((await fetch(`${broker.httpUrl}/dashboard/app.js`)).status).to.equal(404);
    expect((await fetch(`${broker.httpUrl}/service`)).status).to.equal(200);
  });

  it('says which file is missing when the package lost the page', () => {
    const dir = mkdtempSync(join(tmpdir(), 'msb-no-dashboard-'));
    try {
      expect(() => new Dashboard(dir)).to.throw(DashboardFilesError, `the dashboard's file ${join(dir, 'index.html')} cannot be read (ENOENT): the package is incomplete; reinstall it, or start the broker with dashboard: false`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is only on the all-in-one port, not on the separate MSB ports', async () => {
    broker = await startBroker({ msbPorts: { websocket: 0, smartObjects: 0, flows: 0 } });
    expect((await fetch(`${broker.httpUrl}/`)).status).to.equal(200);
    for (const port of [broker.msb!.websocketPort, broker.msb!.smartObjectsPort, broker.msb!.flowsPort]) {
      expect((await fetch(`http://127.0.0.1:${port}/`)).status, `port ${port}`).to.equal(404);
    }
  });
});
