import { join } from 'node:path';
import { selfDescriptionOf } from '../lib';
import { BenchService, LoadService } from './services';
import { Child } from './rpc';
import { MiB, QUICK, median, nowMs } from './common';
import { PLAN } from './plan';
import { dtoCheckCost } from './scenarios/dto-check';
import { machine, markdownTable, writeJson } from './report';
import type { Row } from './report';
import type { ThroughputResult, ThroughputSetup } from './scenarios/throughput';
import type { RttResult } from './broker-process';
import type { BurstResult, BurstSetup } from './scenarios/burst';
import { restChecks } from './scenarios/rest-checks';

/**
 * `npm run bench`: a broker in its own process, each measured client in its own process, ours
 * against a bare ws client and the official MSB Node.js client in the same run. Prints a Markdown
 * table and writes bench/results/latest.json.
 */
const RESULTS = join(__dirname, '..', '..', 'bench', 'results', 'latest.json');
const children = new Set<Child>();

function spawn(script: string, args: string[] = []): Child {
  const c = new Child(join(__dirname, script), args, ['--expose-gc']);
  children.add(c);
  return c;
}

async function stop(c: Child): Promise<void> {
  await c.call('close', {}, 15_000).catch(() => undefined);
  await c.stop();
  children.delete(c);
}

/** Runs `body` with a fresh worker for `scenario`, always closing it. */
async function withWorker<T>(scenario: string, body: (w: Child) => Promise<T>): Promise<T> {
  const w = spawn('worker.js', [scenario]);
  try {
    return await body(w);
  } finally {
    await stop(w);
  }
}

function log(text: string): void {
  process.stderr.write(`[bench] ${text}\n`);
}

const sdJson = JSON.stringify(selfDescriptionOf(BenchService));
const loadTemplate = JSON.stringify(selfDescriptionOf(LoadService));
const raw: Record<string, unknown> = {};

type Variant = Omit<ThroughputSetup, 'selfDescriptionJson' | 'url'> & { inProcess?: boolean; label: string };

async function throughput(url: string): Promise<Map<string, number[]>> {
  const variants: Variant[] = [
    { label: 'bare string', client: 'bare', kind: 'string', validate: true },
    { label: 'ours string validate', client: 'ours', kind: 'string', validate: true },
    { label: 'ours string novalidate', client: 'ours', kind: 'string', validate: false },
    { label: 'official string validate', client: 'official', kind: 'string', validate: true },
    { label: 'official string novalidate', client: 'official', kind: 'string', validate: false },
    { label: 'bare dto', client: 'bare', kind: 'dto', validate: true },
    { label: 'ours dto validate', client: 'ours', kind: 'dto', validate: true },
    { label: 'ours dto novalidate', client: 'ours', kind: 'dto', validate: false },
    { label: 'official dto validate', client: 'official', kind: 'dto', validate: true },
    { label: 'official dto novalidate', client: 'official', kind: 'dto', validate: false },
    { label: 'bare string inproc', client: 'bare', kind: 'string', validate: true, inProcess: true },
    { label: 'ours string validate inproc', client: 'ours', kind: 'string', validate: true, inProcess: true },
  ];
  const samples = new Map<string, number[]>();
  // The broker's own code must be warm before the first recorded run, or that run measures its JIT.
  for (const client of ['bare', 'ours'] as const) {
    await withWorker('throughput', async (w) => {
      await w.call('setup', { client, kind: 'dto', validate: true, url, selfDescriptionJson: sdJson } satisfies ThroughputSetup);
      return w.call<ThroughputResult>('measure', { ...PLAN.throughput, durationMs: 300 });
    });
  }
  // Variants alternate within each repetition, so a slow phase of the machine hits all of them.
  for (let rep = 0; rep < PLAN.throughput.reps; rep++) {
    for (const v of variants) {
      const r = await withWorker('throughput', async (w) => {
        await w.call('setup', { client: v.client, kind: v.kind, validate: v.validate, url: v.inProcess ? undefined : url, selfDescriptionJson: sdJson } satisfies ThroughputSetup);
        return w.call<ThroughputResult>('measure', PLAN.throughput);
      });
      samples.set(v.label, [...(samples.get(v.label) ?? []), r.eventsPerSec]);
      log(`throughput ${v.label}: ${Math.round(r.eventsPerSec)} events/s`);
    }
  }
  raw.throughput = Object.fromEntries(samples);
  return samples;
}

interface BurstRows {
  /** Events/s at the counting sink, per variant label, one sample per repetition. */
  sink: Map<string, number[]>;
  /** Bursts of ours with default options: events/s to flush() and events dropped. */
  bursts: Array<{ label: string; count: number; eventsPerSec: number; dropped: number }>;
}

/** Runs one burst with a fresh client process; returns the client's result. */
async function burst(setup: Omit<BurstSetup, 'selfDescriptionJson'>, count: number, chunk: number): Promise<BurstResult> {
  return withWorker('burst', async (w) => {
    await w.call('setup', { ...setup, selfDescriptionJson: sdJson } satisfies BurstSetup);
    return w.call<BurstResult>('run', { count, chunk }, 300_000);
  });
}

async function bursts(brokerUrl: string): Promise<BurstRows> {
  const out: BurstRows = { sink: new Map(), bursts: [] };
  const sink = spawn('worker.js', ['sink']);
  const silent = spawn('worker.js', ['sink']);
  try {
    const { url } = await sink.call<{ url: string }>('start', { ack: true });
    const { url: silentUrl } = await silent.call<{ url: string }>('start', { ack: false });
    const count = PLAN.burst.sinkEvents;
    const variants: Array<{ label: string; client: 'ours' | 'bare'; kind: 'string' | 'dto' }> = [
      { label: 'bare string', client: 'bare', kind: 'string' },
      { label: 'ours string', client: 'ours', kind: 'string' },
      { label: 'bare dto', client: 'bare', kind: 'dto' },
      { label: 'ours dto', client: 'ours', kind: 'dto' },
    ];
    const counted = async (n: number): Promise<{ count: number; ms: number }> => {
      let stats = await sink.call<{ count: number; ms: number }>('stats');
      for (let i = 0; i < 1000 && stats.count < n; i++) {
        await new Promise((r) => setTimeout(r, 10));
        stats = await sink.call<{ count: number; ms: number }>('stats');
      }
      return stats;
    };
    for (let rep = 0; rep < PLAN.burst.reps; rep++) {
      for (const v of variants) {
        // One burst to warm the process up (JIT), then the measured one: a service runs for long.
        const stats = await withWorker('burst', async (w) => {
          await w.call('setup', { client: v.client, kind: v.kind, validate: true, url, selfDescriptionJson: sdJson } satisfies BurstSetup);
          await sink.call('reset');
          await w.call<BurstResult>('run', { count, chunk: 1000 }, 300_000);
          await counted(count);
          await sink.call('reset');
          await w.call<BurstResult>('run', { count, chunk: 1000 }, 300_000);
          return counted(count);
        });
        const perSec = (stats.count * 1000) / stats.ms;
        out.sink.set(v.label, [...(out.sink.get(v.label) ?? []), perSec]);
        log(`burst into a counting sink, ${v.label}: ${Math.round(perSec)} events/s (${stats.count} counted)`);
      }
    }
    for (const n of PLAN.burst.sizes) {
      for (const [label, target] of [['local broker (acknowledges)', brokerUrl], ['sink that never acknowledges', silentUrl]] as const) {
        const r = await burst({ client: 'ours', kind: 'string', validate: true, url: target }, n, 1000);
        out.bursts.push({ label, count: n, eventsPerSec: (r.accepted * 1000) / r.ms, dropped: r.dropped });
        log(`burst of ${n} string events, ${label}: ${Math.round((r.accepted * 1000) / r.ms)} events/s, ${r.dropped} dropped`);
      }
    }
  } finally {
    await stop(sink);
    await stop(silent);
  }
  raw.bursts = { sink: Object.fromEntries(out.sink), bursts: out.bursts };
  return out;
}

async function roundTrip(broker: Child, url: string): Promise<{ ours: RttResult[]; bare: RttResult[]; official: RttResult[] }> {
  const out = { ours: [] as RttResult[], bare: [] as RttResult[], official: [] as RttResult[] };
  const ours = spawn('worker.js', ['round-trip']);
  const bare = spawn('worker.js', ['round-trip']);
  const official = spawn('worker.js', ['round-trip']);
  try {
    const { uuid: oursUuid } = await ours.call<{ uuid: string }>('setup', { client: 'ours', url, selfDescriptionJson: sdJson });
    // The bare and the official client register the same uuid, so ours must be gone first: run them in turn.
    for (let round = 0; round < PLAN.rtt.rounds; round++) {
      if (round > 0) await ours.call('setup', { client: 'ours', url, selfDescriptionJson: sdJson });
      out.ours.push(await broker.call<RttResult>('rtt', { uuid: oursUuid, functionId: 'ECHO', parameters: { dataObject: 'hello' }, ...PLAN.rtt }, 120_000));
      await ours.call('close');
      const { uuid } = await bare.call<{ uuid: string }>('setup', { client: 'bare', url, selfDescriptionJson: sdJson });
      out.bare.push(await broker.call<RttResult>('rtt', { uuid, functionId: 'ECHO', parameters: { dataObject: 'hello' }, ...PLAN.rtt }, 120_000));
      await bare.call('close');
      const { uuid: officialUuid } = await official.call<{ uuid: string }>('setup', { client: 'official', url, selfDescriptionJson: sdJson });
      out.official.push(await broker.call<RttResult>('rtt', { uuid: officialUuid, functionId: 'ECHO', parameters: { dataObject: 'hello' }, ...PLAN.rtt }, 120_000));
      await official.call('close');
      log(`round trip round ${round + 1}: ours p50 ${out.ours[round].p50Us.toFixed(0)} µs, bare p50 ${out.bare[round].p50Us.toFixed(0)} µs, official p50 ${out.official[round].p50Us.toFixed(0)} µs (${out.official[round].timeouts} timeouts)`);
    }
  } finally {
    await stop(ours);
    await stop(bare);
    await stop(official);
  }
  raw.roundTrip = out;
  return out;
}

async function memory(url: string): Promise<{ ours: number; oursSimple: number; bare: number; official: number; cachePer10k: number; heapPer10k: number }> {
  const ours = await withWorker('idle-ours', (w) => w.call<{ rss: number }>('measure', { url, settleMs: PLAN.idleSettleMs, kind: 'dto' }));
  const oursSimple = await withWorker('idle-ours', (w) => w.call<{ rss: number }>('measure', { url, settleMs: PLAN.idleSettleMs, kind: 'simple' }));
  const bare = await withWorker('idle-bare', (w) => w.call<{ rss: number }>('measure', { url, selfDescriptionJson: sdJson, settleMs: PLAN.idleSettleMs }));
  const official = await withWorker('idle-official', (w) => w.call<{ rss: number }>('measure', { url, selfDescriptionJson: sdJson, settleMs: PLAN.idleSettleMs }));
  const cache = await withWorker('cache', (w) => w.call<{ rssDelta: number; heapDelta: number }>('measure', { count: PLAN.cachedEvents, settleMs: 300 }));
  raw.memory = { ours, oursSimple, bare, official, cache };
  log(`idle RSS ours ${(ours.rss / MiB).toFixed(1)} MiB (simple types only ${(oursSimple.rss / MiB).toFixed(1)} MiB), bare ${(bare.rss / MiB).toFixed(1)} MiB, official ${(official.rss / MiB).toFixed(1)} MiB; cache ${(cache.rssDelta / MiB).toFixed(2)} MiB RSS / ${(cache.heapDelta / MiB).toFixed(2)} MiB heap per ${PLAN.cachedEvents}`);
  return { ours: ours.rss / MiB, oursSimple: oursSimple.rss / MiB, bare: bare.rss / MiB, official: official.rss / MiB, cachePer10k: (cache.rssDelta / MiB) * (10_000 / PLAN.cachedEvents), heapPer10k: (cache.heapDelta / MiB) * (10_000 / PLAN.cachedEvents) };
}

async function bootstrapTime(url: string): Promise<{ selfDescriptionMs: number; bootstrapMs: number }> {
  const r = await withWorker('bootstrap-time', (w) => w.call<{ selfDescriptionMs: number; bootstrapMs: number }>('measure', { url, shape: PLAN.bigService }, 120_000));
  raw.bootstrap = r;
  log(`bootstrap: selfDescriptionOf ${r.selfDescriptionMs.toFixed(0)} ms, bootstrap to registered ${r.bootstrapMs.toFixed(0)} ms`);
  return r;
}

async function brokerLoad(): Promise<{ services: number; rssMiB: number; perServiceKiB: number; connectMs: number; routedPerSec: number; eventsPerSec: number }> {
  // A fresh broker: its memory then holds these services and nothing from earlier scenarios.
  const broker = spawn('broker-process.js');
  const loader = spawn('worker.js', ['broker-load']);
  try {
    const { url } = await broker.call<{ url: string }>('start');
    const before = await broker.call<{ rss: number }>('rss');
    const { connected, ms, uuids } = await loader.call<{ connected: number; ms: number; uuids: string[] }>('connect', { url, count: PLAN.brokerLoad.services, template: loadTemplate, concurrency: PLAN.brokerLoad.concurrency }, 120_000);
    const after = await broker.call<{ rss: number }>('rss');
    const held = await broker.call<{ registered: number; connected: number }>('services');
    const half = Math.floor(uuids.length / 2);
    const flows = uuids.slice(0, half).map((source, i) => ({ name: `load ${i}`, from: { service: source, event: 'ev' }, to: { service: uuids[half + i], function: 'fn' } }));
    await broker.call('deployFlows', { flows });
    const route = await loader.call<{ routedPerSec: number; eventsPerSec: number }>('route', PLAN.brokerLoad, 120_000);
    const r = {
      services: Math.min(connected, held.connected),
      rssMiB: after.rss / MiB,
      perServiceKiB: (after.rss - before.rss) / 1024 / Math.max(1, connected),
      connectMs: ms,
      routedPerSec: route.routedPerSec,
      eventsPerSec: route.eventsPerSec,
    };
    raw.broker = { ...r, rssBeforeMiB: before.rss / MiB, held };
    log(`broker: ${r.services} services, RSS ${r.rssMiB.toFixed(1)} MiB; ${Math.round(r.routedPerSec)} calls/s routed through ${flows.length} flows`);
    return r;
  } finally {
    await stop(loader);
    await stop(broker);
  }
}

interface Latency { p50Ms: number; p99Ms: number; maxMs: number; elapsedMs: number }

/**
 * Issue 10's attacks on a fresh broker with default options: a bystander's acknowledgement
 * latency alone and under floods of malformed and of valid messages on `flooders` connections
 * (flooder and bystander in processes of their own), then the memory attacks, with the broker's
 * RSS after each and its peak.
 */
async function brokerAttack(): Promise<Row[]> {
  const plan = PLAN.brokerAttack;
  const broker = spawn('broker-process.js');
  const flooder = spawn('worker.js', ['broker-attack']);
  const bystander = spawn('worker.js', ['broker-attack']);
  const rows: Row[] = [];
  try {
    const { url, httpUrl } = await broker.call<{ url: string; httpUrl: string }>('start');
    await bystander.call<Latency>('latency', { url, samples: 200 }, 120_000); // warm-up
    const idle = await bystander.call<Latency>('latency', { url, samples: plan.samples }, 120_000);
    log(`broker attack: bystander idle p50 ${idle.p50Ms.toFixed(2)} ms, p99 ${idle.p99Ms.toFixed(2)} ms`);
    rows.push({ metric: 'broker: bystander acknowledgement p99, no flood', unit: 'ms', ours: idle.p99Ms, note: `p50 ${idle.p50Ms.toFixed(2)} ms` });
    for (const kind of ['malformed', 'valid'] as const) {
      const handled0 = (await broker.call<{ messagesHandled: number }>('stats')).messagesHandled;
      await flooder.call('startFlood', { url, connections: plan.flooders, kind }, 60_000);
      const under = await bystander.call<Latency>('latency', { url, samples: plan.samples }, 300_000);
      const flood = await flooder.call<{ sent: number; answered: number; closed: number }>('stopFlood', {}, 120_000);
      const stats = await broker.call<{ messagesHandled: number; throttled: number; suppressedWarnings: number }>('stats');
      const rate = (stats.messagesHandled - handled0) / (under.elapsedMs / 1000);
      raw[`flood-${kind}`] = { under, flood, stats };
      log(`broker attack: ${kind} flood: bystander p50 ${under.p50Ms.toFixed(2)} ms, p99 ${under.p99Ms.toFixed(2)} ms, max ${under.maxMs.toFixed(1)} ms; broker handled ${Math.round(rate)} messages/s; throttled ${stats.throttled} times`);
      rows.push({
        metric: `broker: bystander acknowledgement p99, ${plan.flooders} connections flooding ${kind} messages`,
        unit: 'ms',
        ours: under.p99Ms,
        note: `p50 ${under.p50Ms.toFixed(2)} ms, max ${under.maxMs.toFixed(0)} ms; ${Math.round(rate)} messages/s handled`,
        target: 'p99 ≤ 50 ms',
        pass: under.p99Ms <= 50,
      });
    }
    const mem = await flooder.call<{ registered: { ok: number; refused: number }; flowStatus: Record<number, number>; templateFlowStatus: number; templateMs: number; ms: number }>(
      'memoryAttack',
      { url, httpUrl, ...plan },
      900_000,
    );
    const after = await broker.call<{ rss: number }>('rss');
    const peak = await broker.call<number>('peakRss');
    const stats = await broker.call<Record<string, unknown>>('stats');
    raw.memoryAttack = { mem, rssMiB: after.rss / MiB, peakMiB: peak / MiB, stats };
    log(`broker attack: memory: ${JSON.stringify(mem)}; RSS ${(after.rss / MiB).toFixed(0)} MiB, peak ${(peak / MiB).toFixed(0)} MiB; ${JSON.stringify(stats)}`);
    rows.push({
      metric: `broker: peak RSS through every attack (${plan.registrations} × ${plan.sdBytes / 1000} KB registrations, ${plan.flows} × ${plan.flowBytes / 1000} KB flows, ${plan.templateCopies} × \${/dataObject} on 100 KB)`,
      unit: 'MiB',
      ours: peak / MiB,
      note: `RSS after ${(after.rss / MiB).toFixed(0)} MiB; template event acknowledged in ${mem.templateMs.toFixed(1)} ms`,
      target: 'peak ≤ 512 MiB',
      pass: peak / MiB <= 512,
    });
  } finally {
    await stop(flooder);
    await stop(bystander);
    await stop(broker);
  }
  return rows;
}

// Medians: this machine's speed wanders by ±30 % from run to run, so one sample proves little.
const mid = (xs: number[] | undefined): number => median(xs ?? [Number.NaN]);

/** REST calls checked against the data format vs forced; events/s with the event stream's clients. */
async function restCheckRows(): Promise<Row[]> {
  const r = await restChecks(QUICK ? 500 : 2000, QUICK ? 5000 : 30_000, 16);
  log(`REST checks and event stream: ${JSON.stringify(r)}`);
  return [
    { metric: 'broker: REST calls checked against the function data format (8 in flight)', unit: 'calls/s', ours: r.checkedCallsPerSec, note: `forced (no check): ${Math.round(r.forcedCallsPerSec)} calls/s` },
    { metric: `broker: events acknowledged with ${r.streams} GET /events clients receiving each`, unit: 'events/s', ours: r.eventsPerSecStreams, note: `no stream client: ${Math.round(r.eventsPerSecNoStream)} events/s` },
  ];
}

/** `BENCH_ONLY=broker`: the broker rows only (capacity, routing, attacks), printed, not written to latest.json. */
async function brokerOnly(): Promise<void> {
  const rows: Row[] = [];
  const load = await brokerLoad();
  rows.push({ metric: 'broker: registered services held', unit: 'services', ours: load.services, note: `connected in ${(load.connectMs / 1000).toFixed(1)} s` });
  rows.push({ metric: `broker: calls routed through ${Math.floor(load.services / 2)} flows`, unit: 'calls/s', ours: load.routedPerSec, note: `${Math.round(load.eventsPerSec)} events/s acknowledged` });
  rows.push(...(await brokerAttack()));
  rows.push(...(await restCheckRows()));
  process.stdout.write(`\n${markdownTable(rows, machine(QUICK), [])}\n\n`);
}

async function main(): Promise<void> {
  if (process.env.BENCH_ONLY === 'broker') return brokerOnly();
  const started = nowMs();
  const m = machine(QUICK);
  const broker = spawn('broker-process.js');
  const rows: Row[] = [];
  const notes: string[] = [
    'official: @vfk_research/msb-client-websocket-nodejs 1.0.14, unchanged, registered with the same events (data formats from selfDescriptionOf(BenchService)) and auto reconnect off; '
      + 'console.error/log/info/warn are no-ops in its worker process, because it writes "Async error:null" on every send and a line on every IO_PUBLISHED. '
      + 'Its validation on/off is enableDataFormatValidation(true/false) (a failed check is only logged, the event is sent anyway); the round trip and idle RSS use its default (on). '
      + 'Idle RSS: the same self-description (string and DTO events), so it sits in the DTO row.',
  ];
  try {
    const { url } = await broker.call<{ url: string }>('start');
    const t = await throughput(url);
    const ratioRow = (metric: string, oursKey: string, bareKey: string, officialKey?: string, target?: number, note?: string): Row => {
      const ours = mid(t.get(oursKey));
      const bare = mid(t.get(bareKey));
      const ratio = ours / bare;
      const official = officialKey !== undefined ? mid(t.get(officialKey)) : undefined;
      return {
        metric, unit: 'events/s', ours, bare, ratio,
        ...(official !== undefined ? { official, officialRatio: official / bare } : {}),
        note,
        ...(target !== undefined ? { target: `ratio ≥ ${target}`, pass: ratio >= target } : {}),
      };
    };
    rows.push(ratioRow('publish string event, validation on', 'ours string validate', 'bare string', 'official string validate', 0.75));
    rows.push(ratioRow('publish string event, validation off', 'ours string novalidate', 'bare string', 'official string novalidate'));
    rows.push(ratioRow('publish DTO event, validation on', 'ours dto validate', 'bare dto', 'official dto validate', 0.7));
    rows.push(ratioRow('publish DTO event, validation off', 'ours dto novalidate', 'bare dto', 'official dto novalidate'));
    rows.push(ratioRow('publish string event, validation on', 'ours string validate inproc', 'bare string inproc', undefined, undefined, 'broker in the client process'));

    const b = await bursts(url);
    const sinkRow = (metric: string, oursKey: string, bareKey: string, target: number): Row => {
      const ours = mid(b.sink.get(oursKey));
      const bare = mid(b.sink.get(bareKey));
      return { metric, unit: 'events/s', ours, bare, ratio: ours / bare, target: `ratio ≥ ${target}`, pass: ours / bare >= target, note: `${PLAN.burst.sinkEvents.toLocaleString('en')} events, Promise.all per 1,000, default options, after one warm-up burst; a sink that only counts and acknowledges` };
    };
    rows.push(sinkRow('burst into a counting sink: string events, validation on', 'ours string', 'bare string', 0.85));
    rows.push(sinkRow('burst into a counting sink: DTO events, validation on', 'ours dto', 'bare dto', 0.7));
    for (const r of b.bursts) {
      rows.push({ metric: `burst of ${r.count.toLocaleString('en')} string events, ${r.label}`, unit: 'events/s', ours: r.eventsPerSec, note: `${r.dropped} dropped`, target: '0 dropped', pass: r.dropped === 0 });
    }

    const rtt = await roundTrip(broker, url);
    const p50 = { ours: mid(rtt.ours.map((r) => r.p50Us)), bare: mid(rtt.bare.map((r) => r.p50Us)), official: mid(rtt.official.map((r) => r.p50Us)) };
    const p99 = { ours: mid(rtt.ours.map((r) => r.p99Us)), bare: mid(rtt.bare.map((r) => r.p99Us)), official: mid(rtt.official.map((r) => r.p99Us)) };
    rows.push({ metric: 'function call round trip p50', unit: 'µs', ...p50, ratio: p50.ours / p50.bare, officialRatio: p50.official / p50.bare, target: 'ratio ≤ 1.3', pass: p50.ours / p50.bare <= 1.3 });
    rows.push({ metric: 'function call round trip p99', unit: 'µs', ...p99, ratio: p99.ours / p99.bare, officialRatio: p99.official / p99.bare });
    const officialTimeouts = rtt.official.reduce((n, r) => n + r.timeouts, 0);
    if (officialTimeouts > 0) notes.push(`official round trip: ${officialTimeouts} call(s) unanswered within 5 s, left out of the percentiles`);

    const mem = await memory(url);
    rows.push({ metric: 'idle RSS, one registered service with DTOs (class-validator)', unit: 'MiB', ours: mem.ours, bare: mem.bare, ratio: mem.ours / mem.bare, official: mem.official, officialRatio: mem.official / mem.bare, target: 'ours ≤ 60 MiB', pass: mem.ours <= 60 });
    rows.push({ metric: 'idle RSS, one registered service with simple types only', unit: 'MiB', ours: mem.oursSimple, bare: mem.bare, ratio: mem.oursSimple / mem.bare, target: 'ours ≤ 60 MiB', pass: mem.oursSimple <= 60 });
    rows.push({ metric: 'RSS per 10,000 cached DTO events', unit: 'MiB', ours: mem.cachePer10k, note: `${mem.heapPer10k.toFixed(1)} MiB of it JS heap` });

    const check = dtoCheckCost(QUICK ? 50_000 : 500_000);
    rows.push({ metric: 'check one outgoing DTO value (Measurement, nested DTO and array), valid', unit: 'µs', ours: check.validUs, note: 'in process, no socket' });
    rows.push({ metric: 'the same, invalid (two violations, messages built)', unit: 'µs', ours: check.invalidUs });
    rows.push({ metric: 'check one DTO value with a rule that has no keyword (@IsEmail: class-validator runs)', unit: 'µs', ours: check.classValidatorUs });

    const boot = await bootstrapTime(url);
    const shape = PLAN.bigService;
    rows.push({ metric: `selfDescriptionOf, ${shape.events} events / ${shape.functions} functions / ${shape.dtos} DTOs`, unit: 'ms', ours: boot.selfDescriptionMs });
    rows.push({ metric: 'bootstrap to registered, same shape', unit: 'ms', ours: boot.bootstrapMs });
  } finally {
    await stop(broker);
  }
  const load = await brokerLoad();
  rows.push({ metric: 'broker: registered services held', unit: 'services', ours: load.services, note: `connected in ${(load.connectMs / 1000).toFixed(1)} s` });
  rows.push({ metric: 'broker: RSS with those services', unit: 'MiB', ours: load.rssMiB, note: `${load.perServiceKiB.toFixed(0)} KiB per service` });
  rows.push({ metric: `broker: calls routed through ${Math.floor(load.services / 2)} flows`, unit: 'calls/s', ours: load.routedPerSec, note: `${Math.round(load.eventsPerSec)} events/s acknowledged` });
  rows.push(...(await brokerAttack()));

  const table = markdownTable(rows, m, notes);
  process.stdout.write(`\n${table}\n\n`);
  const failed = rows.filter((r) => r.pass === false).length;
  log(`finished in ${((nowMs() - started) / 1000).toFixed(0)} s; ${failed} target(s) missed; results in ${RESULTS}`);
  writeJson(RESULTS, { machine: m, plan: PLAN, rows, notes, raw });
}

async function cleanup(): Promise<void> {
  await Promise.all([...children].map((c) => c.stop(1000)));
}

process.on('SIGINT', () => void cleanup().then(() => process.exit(130)));
main().catch(async (e: unknown) => {
  console.error(e);
  await cleanup();
  process.exitCode = 1;
});
