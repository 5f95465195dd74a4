import 'reflect-metadata';
import { resolve } from 'node:path';
import { startBroker } from '../lib/broker';
import type { Broker } from '../lib/broker';
import { bootstrap } from '../lib';
import type { Logger, MsbApp } from '../lib';
import { readFlowsFile } from '../lib/cli/commands';
import { Drill, DrillJob, MATERIALS } from './drill';
import { Mes } from './mes';

/**
 * The demo behind `npm start`: a local MSB broker, the Drill smart object and the MES
 * application, connected by the flows in samples/flows.json. The MES sends orders, the drill
 * answers through the flows with the same correlation id, temperatures stream, and an
 * operator changes the drill's configuration while it runs. Ctrl-C stops everything.
 */

const DEMO_PORT = process.env.DEMO_PORT === undefined ? 8085 : Number(process.env.DEMO_PORT);
const TICK_MS = Number(process.env.DEMO_TICK_MS ?? 1500);

function say(who: string, message: string): void {
  const t = new Date().toISOString().slice(11, 23);
  process.stdout.write(`${t} ${`[${who}]`.padEnd(9)} ${message}\n`);
}

function logger(who: string, skip?: RegExp): Logger {
  return {
    debug: () => undefined,
    info: (m) => { if (!skip?.test(m)) say(who, m); },
    warn: (m) => say(who, `warning: ${m}`),
    error: (m) => say(who, `error: ${m}`),
  };
}

async function startDemoBroker(): Promise<Broker> {
  const options = { flows: readFlowsFile(resolve(__dirname, '..', '..', 'samples', 'flows.json')), logger: logger('broker', /^event temperature /) };
  try {
    return await startBroker({ ...options, port: DEMO_PORT });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    say('demo', `port ${DEMO_PORT} is taken; using a free port instead`);
    return startBroker({ ...options, port: 0 });
  }
}

async function main(): Promise<void> {
  const broker = await startDemoBroker();
  say('demo', `MSB broker on ${broker.url} (REST ${broker.httpUrl}); official MSB clients can connect too`);
  const common = { url: broker.url, env: false, propertiesFile: false } as const;
  const drill: MsbApp<Drill> = await bootstrap(Drill, { ...common, logger: logger('drill') });
  const mes: MsbApp<Mes> = await bootstrap(Mes, { ...common, logger: logger('mes') });

  drill.on('functionCall', (c) => {
    const job = c.parameters.dataObject as Partial<DrillJob> | undefined;
    say('drill', `call ${c.functionId} for job ${job?.jobId ?? '?'} (correlation ${c.correlationId ?? 'none'})`);
  });
  drill.on('configChanged', (changes) => say('drill', `configuration changed: ${JSON.stringify(changes)}`));
  mes.instance.onAnswer = (a) => {
    const trip = a.roundTripMs === undefined ? '' : `, round trip ${a.roundTripMs} ms`;
    say('mes', `${a.ok ? 'done' : 'FAILED'}: ${a.detail} (correlation ${a.correlationId}${trip})`);
  };

  let n = 0;
  let temperature = 38;
  const timers: NodeJS.Timeout[] = [];
  timers.push(setInterval(() => {
    n++;
    const job = Object.assign(new DrillJob(), { jobId: `J-${n}`, depthMm: 5 + ((n * 7) % 40), material: MATERIALS[n % MATERIALS.length] });
    void mes.instance.sendOrder(job).then((correlationId) => say('mes', `order ${job.jobId}: ${job.depthMm} mm in ${job.material} (correlation ${correlationId})`));
    // An operator at the MSB changes the drill's configuration now and then.
    if (n === 3) void operator(broker, drill.uuid, { speedRpm: 1800 });
    if (n === 5) void operator(broker, drill.uuid, { coolant: false });
    if (n === 8) void operator(broker, drill.uuid, { coolant: true });
  }, TICK_MS));
  timers.push(setInterval(() => {
    temperature += (Math.random() - 0.45) * 0.8;
    const value = Math.round(temperature * 10) / 10;
    void drill.instance.temperature.emit(value).then(() => say('drill', `temperature ${value} °C`));
  }, TICK_MS / 2));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say('demo', `${signal}: stopping`);
    for (const t of timers) clearInterval(t);
    await Promise.all([drill.close(), mes.close()]);
    await broker.close();
    say('demo', 'stopped cleanly');
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  say('demo', 'running; press Ctrl-C to stop');
}

async function operator(broker: Broker, uuid: string, params: Record<string, unknown>): Promise<void> {
  say('operator', `sets ${Object.entries(params).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ')} on the drill`);
  await broker.setConfig(uuid, params).catch((e: Error) => say('operator', `could not: ${e.message}`));
}

main().catch((e: unknown) => {
  process.stderr.write(`demo failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
