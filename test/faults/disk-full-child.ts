/**
 * A service process whose disk fills up: the test starts it with a file-size limit (`ulimit -f`),
 * so writes to its durable outbox fail part-way, as on a full disk. It emits `tick` 0..count-1,
 * each awaited, and prints `OK <n>` or `FAIL <n> <error class>`, then `DONE` once every accepted
 * event is acknowledged. An uncaught exception would end it without `DONE`.
 *
 * Usage: node disk-full-child.js <url> <persistDir> <count>
 */
import 'reflect-metadata';
import { bootstrap } from '../../lib';
import { Producer } from './services';

async function main(): Promise<void> {
  const [url, persist, countArg] = process.argv.slice(2);
  const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
  const app = await bootstrap(Producer, { url, env: false, propertiesFile: false, logger: quiet, heartbeatMs: 0, eventCache: { persist } });
  let out = '';
  for (let n = 0; n < Number(countArg); n++) {
    try {
      await app.instance.tick.emit(n);
      out += `OK ${n}\n`;
    } catch (e) {
      out += `FAIL ${n} ${(e as Error).name}\n`;
    }
  }
  await app.flush(20_000);
  process.stdout.write(`${out}DONE\n`);
  await app.close();
}

void main();
