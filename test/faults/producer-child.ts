/**
 * A service process for the fault tests: publishes `tick` events `from`..`to`-1 with a durable
 * outbox, printing `A <n>` once each emit() resolved, then `DRAINED` once the MSB acknowledged
 * everything. Killed with SIGKILL by the tests.
 *
 * Usage: node producer-child.js <url> <persistDir> <from> <to>
 */
import 'reflect-metadata';
import { bootstrap } from '../../lib';
import { Producer } from './services';

async function main(): Promise<void> {
  const [url, persist, fromArg, toArg] = process.argv.slice(2);
  const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: (m: string) => process.stderr.write(`${m}\n`) };
  const app = await bootstrap(Producer, {
    url, env: false, propertiesFile: false, logger: quiet, waitForRegistration: false, heartbeatMs: 0,
    reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
    eventCache: { persist },
  });
  process.stdout.write(`RESTORED ${app.counters().restored}\n`);
  const from = Number(fromArg);
  const to = Number(toArg);
  let line = '';
  for (let n = from; n < to; n++) {
    await app.instance.tick.emit(n);
    line += `A ${n}\n`;
    if (line.length > 512 || n === to - 1) {
      process.stdout.write(line);
      line = '';
    }
  }
  process.stdout.write('EMITTED\n');
  const timer = setInterval(() => {
    const c = app.counters();
    if (c.queued + c.inFlight === 0) {
      clearInterval(timer);
      process.stdout.write('DRAINED\n');
      void app.close().then(() => process.exit(0));
    }
  }, 5);
}

void main();
