/**
 * A broker process for the broker-kill test: the local broker with a flows file, which appends
 * the correlation id of every event it accepts to a journal file before its acknowledgement can
 * leave the process (acknowledgements are written at the end of the tick; the append is
 * synchronous). A journal survives SIGKILL; the broker's stdout may not, when the pipe is full.
 *
 * Usage: node broker-child.js <port> <flowsFile> <journalFile>
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { startBroker } from '../../lib/broker';
import type { FlowDefinition } from '../../lib/broker';

async function main(): Promise<void> {
  const [port, flowsFile, journal] = process.argv.slice(2);
  const flows = JSON.parse(readFileSync(flowsFile, 'utf8')) as FlowDefinition[];
  const broker = await startBroker({ port: Number(port), host: '127.0.0.1', flows });
  broker.on('event', ({ event }) => {
    if (event.correlationId !== undefined) appendFileSync(journal, `${event.correlationId}\n`);
  });
  process.stdout.write(`listening: ${broker.port}\n`);
}

void main();
