#!/usr/bin/env node
import 'reflect-metadata';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliError, brokerCommand, callCommand, configCommand, describeCommand, servicesCommand, watchCommand } from './commands';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port is a whole number from 0 to 65535');
  return n;
}

/** A period in ms for a timer: 0 (off) up to setInterval's largest delay. */
function milliseconds(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 0 || n > 2_147_483_647) throw new InvalidArgumentError('a duration is a whole number of milliseconds from 0 to 2147483647');
  return n;
}

/** A wait in ms: at least 1. */
function waitMs(value: string): number {
  const n = milliseconds(value);
  if (n === 0) throw new InvalidArgumentError('a wait is at least 1 ms');
  return n;
}

/** How long `msb call --wait` waits when no time is given. */
const DEFAULT_WAIT_MS = 10_000;

function version(): string {
  // dist/lib/cli → the package root, in the repository and in the installed package alike
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

const line = (text: string): void => void process.stdout.write(`${text}\n`);
const note = (text: string): void => void process.stderr.write(`${text}\n`);

const DEFAULT_URL = process.env.MSB_REST_URL ?? 'http://127.0.0.1:8085';

function program(): Command {
  const msb = new Command('msb')
    .description('msb-decorators command line: a local MSB broker and tools for MSB services')
    .version(version(), '-V, --version', 'print the version of msb-decorators')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');

  msb.command('broker')
    .description('run a local MSB broker in the foreground, with a live log (Ctrl-C stops it); MSB_BROKER_ADMIN_SECRET set: REST needs it')
    .option('-p, --port <port>', 'websocket + REST port (0: any free port)', port, 8085)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('-f, --flows <file>', 'integration flows to deploy (JSON: a flow, an array, or {"flows": [...]})')
    .option('--msb-ports', "also listen on the MSB's separate ports (8085 websocket, 8081 smart objects, 8082 flows)")
    .option('--tls-key <file>', 'PEM key: serve wss/https')
    .option('--tls-cert <file>', 'PEM certificate: serve wss/https')
    .option('--strict-tokens', 'refuse registrations whose token this broker did not issue, or not the one a uuid is bound to')
    .option('--no-issue-tokens', 'do not issue tokens over REST (403)')
    .option('--no-dashboard', 'serve no dashboard page at /')
    .option('--heartbeat-ms <ms>', 'SockJS heartbeat period', milliseconds)
    .option('-v, --verbose', 'log debug lines too')
    .action(async (o) => {
      // installed before the broker starts: a Ctrl-C right after the "listening" line must
      // still close it cleanly rather than kill the process
      const state: { broker?: Awaited<ReturnType<typeof brokerCommand>>; stopping?: string } = {};
      const stop = (signal: string) => {
        state.stopping = signal;
        if (!state.broker) return;
        process.stdout.write(`${signal}: stopping the broker\n`);
        void state.broker.close().then(() => process.exit(0));
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
      state.broker = await brokerCommand(o);
      if (state.stopping) stop(state.stopping);
    });

  msb.command('describe')
    .description('print the self-description of a service class exported by a compiled module, CommonJS or ES (honours MSB_* and application.properties)')
    .argument('<module>', 'path of the compiled JavaScript module (not .ts: compile it first)')
    .option('-e, --export <name>', 'the exported class, when the module exports several services')
    .option('--show-token', 'print the token (masked by default, so that it does not end up in logs)')
    .option('--asyncapi', 'print the AsyncAPI 3.0 document instead (server from MSB_URL / msb.url)')
    .option('--yaml', 'print YAML instead of JSON')
    .action(async (modulePath: string, o: { export?: string; showToken?: boolean; asyncapi?: boolean; yaml?: boolean }) => {
      line(await describeCommand(modulePath, o.export, o));
    });

  const url = (): [string, string, string] => ['-u, --url <url>', 'broker REST base URL (or MSB_REST_URL)', DEFAULT_URL];

  msb.command('services')
    .description('list the registered services: uuid, name, type, online, events, functions')
    .option(...url())
    .option('--json', 'one JSON object per line instead of a table')
    .action(async (o: { url: string; json?: boolean }) => {
      for (const l of await servicesCommand(o.url, o.json === true)) line(l);
    });

  msb.command('call')
    .description('call a function of a registered service through the broker; the broker refuses an unknown function or parameters its data format rejects')
    .argument('<service>', 'the service uuid or name')
    .argument('<functionId>', 'the function id')
    .argument('[json]', 'the functionParameters object, e.g. \'{"dataObject": 42}\'', '{}')
    .option(...url())
    .option('-c, --correlation-id <id>', 'correlation id of the call (default: a new uuid)')
    .option('-w, --wait [ms]', `print the events carrying the call's correlation id as JSON lines until the function's response event (default ${DEFAULT_WAIT_MS} ms; none in time: exit 1)`, waitMs)
    .option('--force', 'send even when the broker finds the function unknown or the parameters invalid')
    .action(async (service: string, functionId: string, json: string, o: { url: string; correlationId?: string; wait?: number | true; force?: boolean }) => {
      const wait = o.wait === true ? DEFAULT_WAIT_MS : o.wait;
      const done = await callCommand(service, functionId, json, { url: o.url, correlationId: o.correlationId, waitMs: wait, force: o.force === true, print: line });
      // with --wait, stdout holds only the JSON lines
      (wait === undefined ? line : note)(done);
    });

  msb.command('config')
    .description('change configuration parameters of a registered service (values are JSON, else strings); the broker refuses unknown names and values of the wrong type')
    .argument('<service>', 'the service uuid or name')
    .argument('<assignments...>', 'name=value pairs')
    .option(...url())
    .option('--force', 'send even when the broker finds a name unknown or a value of the wrong type')
    .action(async (service: string, pairs: string[], o: { url: string; force?: boolean }) => {
      line(await configCommand(o.url, service, pairs, o.force === true));
    });

  msb.command('watch')
    .description('print the events the broker accepts as JSON lines (service, eventId, correlationId, priority, postDate, payload) until Ctrl-C')
    .argument('[service]', 'only this service (uuid or name)')
    .option('-e, --event <id>', 'only this event id')
    .option(...url())
    .action(async (service: string | undefined, o: { url: string; event?: string }) => {
      process.once('SIGINT', () => process.exit(0));
      await watchCommand(o.url, service, o.event, line, note);
    });
  return msb;
}

/** Runs the CLI; resolves with the exit code (the broker command keeps running). */
export async function main(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version exit 0; commander already printed its message
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof CliError) {
      process.stderr.write(`msb: ${e.message}\n`);
      return e.exitCode;
    }
    process.stderr.write(`msb: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    if (code !== 0) process.exitCode = code;
  });
}
