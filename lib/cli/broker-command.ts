// `msb broker`: the options from the command line and the environment, turned into startBroker's.
import { readFileSync } from 'node:fs';
import { startBroker } from '../broker';
import type { Broker } from '../broker';
import { CliError } from './errors';
import { readFlowsFile } from './json';
import { consoleLog } from './log';
import { ADMIN_SECRET_ENV } from './rest-client';

export interface BrokerCommandOptions {
  port: number;
  host: string;
  flows?: string;
  msbPorts?: boolean;
  tlsKey?: string;
  tlsCert?: string;
  strictTokens?: boolean;
  /** commander's `--no-issue-tokens`: false turns token issuing off. */
  issueTokens?: boolean;
  /** commander's `--no-dashboard`: false serves no page at `/`. */
  dashboard?: boolean;
  verbose?: boolean;
  heartbeatMs?: number;
}

/** `msb broker`: runs the local broker until SIGINT/SIGTERM. */
export async function brokerCommand(o: BrokerCommandOptions, write?: (line: string) => void): Promise<Broker> {
  const logger = consoleLog(o.verbose === true, write);
  if ((o.tlsKey === undefined) !== (o.tlsCert === undefined)) throw new CliError('--tls-key and --tls-cert go together', 2);
  const tls = o.tlsKey && o.tlsCert ? { key: readPem('--tls-key', o.tlsKey), cert: readPem('--tls-cert', o.tlsCert) } : undefined;
  const broker = await startBroker({
    port: o.port,
    host: o.host,
    flows: o.flows ? readFlowsFile(o.flows) : undefined,
    msbPorts: o.msbPorts,
    tls,
    strictTokens: o.strictTokens,
    ...(o.issueTokens === false ? { issueTokens: false } : {}),
    ...(o.dashboard === false ? { dashboard: false } : {}),
    ...(process.env[ADMIN_SECRET_ENV] ? { adminSecret: process.env[ADMIN_SECRET_ENV] } : {}),
    heartbeatMs: o.heartbeatMs,
    logger,
  }).catch((e: Error) => {
    throw new CliError(`cannot start the broker: ${e.message}`);
  });
  logger.info(`MSB broker listening: websocket ${broker.url}, REST ${broker.httpUrl}${broker.flows().length ? `, ${broker.flows().length} flow(s) deployed` : ''}`);
  if (o.dashboard !== false) logger.info(`dashboard: ${broker.httpUrl}/`);
  if (broker.msb) logger.info(`MSB ports: websocket ${broker.msb.websocketPort}, smart objects ${broker.msb.smartObjectsPort}, flows ${broker.msb.flowsPort}`);
  return broker;
}

function readPem(option: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new CliError(`${option}: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}
