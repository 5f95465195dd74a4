import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import { BareClient, eventFrame } from './bare-client';
import { Child } from './rpc';
import { MiB, QUICK, median, nowMs, sleep } from './common';

/**
 * `npm run bench:dashboard`: what one open dashboard costs the broker while a service publishes
 * 1,000 events/s, against the same load without it, and how long the page takes to load. The
 * broker runs in a process of its own; the page in Debian's headless chromium.
 */
const RATE = 1000;
const MEASURE_MS = QUICK ? 3000 : 10_000;
const WARMUP_MS = QUICK ? 1000 : 2000;
const REPS = QUICK ? 1 : 3;
const LOADS = QUICK ? 3 : 10;
const RESULTS = join(__dirname, '..', '..', 'bench', 'results', 'dashboard.json');
const CHROMIUM = '/usr/bin/chromium';

const UUID = '5e4b0000-0000-4000-8000-00000000da5b';
const SELF_DESCRIPTION = JSON.stringify({
  uuid: UUID,
  name: 'Line sensor',
  description: 'publishes readings',
  token: 'bench',
  '@class': 'SmartObject',
  events: [
    {
      '@id': 1,
      eventId: 'reading',
      name: 'Reading',
      description: '',
      dataFormat: { dataObject: { type: 'object', properties: { station: { type: 'string' }, temperature: { type: 'number' }, count: { type: 'integer' } } } },
    },
  ],
  functions: [],
  configuration: { parameters: {} },
});

interface Usage {
  user: number;
  system: number;
  rss: number;
}

interface Phase {
  dashboard: boolean;
  cpuPercent: number;
  rssMiB: number;
  sent: number;
  acked: number;
  page?: { received: number; shown: number; skipped: number; framesPerSecond: number };
}

function log(text: string): void {
  process.stderr.write(`[bench:dashboard] ${text}\n`);
}

/** Publishes at RATE events/s, catching up on timer lateness so the rate holds on a busy machine. */
function publish(client: BareClient): { stop: () => number } {
  const t0 = nowMs();
  let sent = 0;
  const timer = setInterval(() => {
    const due = Math.floor(((nowMs() - t0) * RATE) / 1000);
    for (; sent < due; sent++) client.ws.send(eventFrame(UUID, 'reading', { station: `S${sent % 16}`, temperature: 20 + (sent % 100) / 10, count: sent }));
  }, 5);
  return {
    stop: () => {
      clearInterval(timer);
      return sent;
    },
  };
}

async function openPage(context: BrowserContext, url: string): Promise<{ page: Page; loadMs: number; domMs: number }> {
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const t0 = nowMs();
  await page.goto(url);
  // loaded for a user: the service list and the live stream are there
  await page.locator('#status', { hasText: 'Connected: live' }).waitFor();
  await page.locator('#services details').first().waitFor();
  const loadMs = nowMs() - t0;
  const domMs = Number(await page.evaluate('performance.getEntriesByType("navigation")[0].domContentLoadedEventEnd'));
  return { page, loadMs, domMs };
}

const FRAME_COUNTER = `(() => { window.__frames = 0; const tick = () => { window.__frames++; requestAnimationFrame(tick); }; requestAnimationFrame(tick); })()`;
const PAGE_STATS = `(() => { const m = /(\\d+) received · (\\d+) shown(?: · (\\d+) skipped)?/.exec(document.getElementById('stream-stats').textContent); return { frames: window.__frames, received: Number(m && m[1]), shown: Number(m && m[2]), skipped: Number(m && m[3] || 0) }; })()`;

async function main(): Promise<void> {
  const broker = new Child(join(__dirname, 'broker-process.js'), [], ['--expose-gc']);
  const profile = mkdtempSync(join(tmpdir(), 'msb-bench-dashboard-'));
  let context: BrowserContext | undefined;
  try {
    const { url, httpUrl } = await broker.call<{ url: string; httpUrl: string }>('start');
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const client = await BareClient.connect(url, SELF_DESCRIPTION);

    const loads: number[] = [];
    const doms: number[] = [];
    for (let i = 0; i < LOADS; i++) {
      const { page, loadMs, domMs } = await openPage(context, `${httpUrl}/`);
      loads.push(loadMs);
      doms.push(domMs);
      await page.close();
    }
    log(`page load (idle broker): median ${median(loads).toFixed(0)} ms to services + live stream, DOMContentLoaded ${median(doms).toFixed(0)} ms`);

    const phases: Phase[] = [];
    const busyLoads: number[] = [];
    // with and without alternate, so that a slow phase of the machine hits both
    for (let rep = 0; rep < REPS; rep++) {
      for (const dashboard of [false, true]) {
        let page: Page | undefined;
        const acked0 = client.acks;
        const pub = publish(client);
        if (dashboard) {
          const opened = await openPage(context, `${httpUrl}/`);
          page = opened.page;
          busyLoads.push(opened.loadMs);
          await page.evaluate(FRAME_COUNTER);
        }
        await sleep(WARMUP_MS);
        const before = await broker.call<Usage>('usage');
        const pageBefore = page ? ((await page.evaluate(PAGE_STATS)) as { frames: number; received: number; shown: number; skipped: number }) : undefined;
        const t0 = nowMs();
        await sleep(MEASURE_MS);
        const after = await broker.call<Usage>('usage');
        const wall = nowMs() - t0;
        const pageAfter = page ? ((await page.evaluate(PAGE_STATS)) as { frames: number; received: number; shown: number; skipped: number }) : undefined;
        const sent = pub.stop();
        await client.acked(acked0 + sent);
        const phase: Phase = {
          dashboard,
          cpuPercent: ((after.user - before.user + after.system - before.system) / 1000 / wall) * 100,
          rssMiB: after.rss / MiB,
          sent,
          acked: client.acks - acked0,
        };
        if (pageBefore && pageAfter) {
          phase.page = {
            received: pageAfter.received - pageBefore.received,
            shown: pageAfter.shown - pageBefore.shown,
            skipped: pageAfter.skipped - pageBefore.skipped,
            framesPerSecond: ((pageAfter.frames - pageBefore.frames) * 1000) / wall,
          };
        }
        await page?.close();
        phases.push(phase);
        log(`${dashboard ? 'with' : 'without'} dashboard: broker CPU ${phase.cpuPercent.toFixed(1)} %, RSS ${phase.rssMiB.toFixed(1)} MiB${phase.page ? `, page ${JSON.stringify(phase.page)}` : ''}`);
      }
    }
    await client.ws.close();

    const pick = (d: boolean, f: (p: Phase) => number): number => median(phases.filter((p) => p.dashboard === d).map(f));
    const rows = [
      ['broker CPU at 1,000 events/s (% of one core)', pick(false, (p) => p.cpuPercent).toFixed(1), pick(true, (p) => p.cpuPercent).toFixed(1)],
      ['broker RSS at 1,000 events/s (MiB)', pick(false, (p) => p.rssMiB).toFixed(1), pick(true, (p) => p.rssMiB).toFixed(1)],
      ['page frames/s while streaming', '', pick(true, (p) => p.page?.framesPerSecond ?? 0).toFixed(0)],
      ['events reaching the page per second', '', pick(true, (p) => ((p.page?.received ?? 0) * 1000) / MEASURE_MS).toFixed(0)],
      ['page load, idle broker (ms, median of ' + LOADS + ')', '', median(loads).toFixed(0)],
      ['page load at 1,000 events/s (ms, median of ' + REPS + ')', '', median(busyLoads).toFixed(0)],
    ];
    process.stdout.write(`| measure | without dashboard | with one dashboard open |\n|---|---|---|\n${rows.map((r) => `| ${r.join(' | ')} |`).join('\n')}\n`);
    mkdirSync(dirname(RESULTS), { recursive: true });
    writeFileSync(RESULTS, JSON.stringify({ rate: RATE, measureMs: MEASURE_MS, reps: REPS, phases, loadsMs: loads, domContentLoadedMs: doms, busyLoadsMs: busyLoads }, null, 2));
  } finally {
    await context?.close();
    await broker.call('close', {}, 15_000).catch(() => undefined);
    await broker.stop();
    rmSync(profile, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
