/**
 * A service process that closes on SIGTERM: prints READY once registered, keeps the process
 * alive with a timer (as a real service would), and emits `bye` from @OnClose.
 *
 * Usage: node signal-child.js <url>
 */
import 'reflect-metadata';
import { bootstrap } from '../../lib';
import { Counter, Lifecycle } from './lifecycle-services';

async function main(): Promise<void> {
  const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: (m: string) => process.stderr.write(`${m}\n`) };
  const app = await bootstrap(Lifecycle, {
    url: process.argv[2], env: false, propertiesFile: false, logger: quiet, heartbeatMs: 0,
    factory: () => new Lifecycle(new Counter()),
    closeOnSignals: ['SIGTERM'],
  });
  setInterval(() => undefined, 60_000);
  app.on('stateChange', (s) => process.stdout.write(`STATE ${s}\n`));
  process.stdout.write('READY\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
