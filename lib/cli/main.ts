#!/usr/bin/env node
import 'reflect-metadata';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { CliError, brokerCommand, callCommand, configCommand, describeCommand } from './commands';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port is a whole number from 0 to 65535');
  return n;
}

const DEFAULT_URL = process.env.MSB_REST_URL ?? 'http://127.0.0.1:8085';

function program(): Command {
  const msb = new Command('msb')
    .description('msb-decorators command line: a local MSB broker and tools for MSB services')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');

  msb.command('broker')
    .description('run a local MSB broker in the foreground, with a live log (Ctrl-C stops it)')
    .option('-p, --port <port>', 'websocket + REST port (0: any free port)', port, 8085)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('-f, --flows <file>', 'integration flows to deploy (JSON: a flow, an array, or {"flows": [...]})')
    .option('--msb-ports', "also listen on the MSB's separate ports (8085 websocket, 8081 smart objects, 8082 flows)")
    .option('--tls-key <file>', 'PEM key: serve wss/https')
    .option('--tls-cert <file>', 'PEM certificate: serve wss/https')
    .option('--strict-tokens', 'refuse registrations whose token this broker did not issue')
    .option('--heartbeat-ms <ms>', 'SockJS heartbeat period', (v) => port(v) && Number(v))
    .option('-v, --verbose', 'log debug lines too')
    .action(async (o) => {
      const broker = await brokerCommand(o);
      const stop = (signal: string) => {
        process.stdout.write(`${signal}: stopping the broker\n`);
        void broker.close().then(() => process.exit(0));
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    });

  msb.command('describe')
    .description("print the self-description of a service class exported by a compiled module (honours MSB_* and application.properties)")
    .argument('<module>', 'path of the compiled JavaScript module')
    .option('-e, --export <name>', 'the exported class, when the module exports several services')
    .option('--asyncapi', 'print the AsyncAPI 3.0 document instead (server from MSB_URL / msb.url)')
    .option('--yaml', 'print YAML instead of JSON')
    .action((modulePath: string, o: { export?: string; asyncapi?: boolean; yaml?: boolean }) => {
      process.stdout.write(`${describeCommand(modulePath, o.export, o)}\n`);
    });

  msb.command('call')
    .description('call a function of a registered service through the broker REST API')
    .argument('<uuid>', 'the service uuid')
    .argument('<functionId>', 'the function id')
    .argument('<json>', 'the functionParameters object, e.g. \'{"dataObject": 42}\'')
    .option('-u, --url <url>', 'broker REST base URL (or MSB_REST_URL)', DEFAULT_URL)
    .option('-c, --correlation-id <id>', 'correlation id of the call')
    .action(async (uuid: string, functionId: string, json: string, o: { url: string; correlationId?: string }) => {
      await callCommand(o.url, uuid, functionId, json, o.correlationId);
      process.stdout.write(`called ${functionId} on ${uuid}\n`);
    });

  msb.command('config')
    .description('change configuration parameters of a registered service (values are JSON, else strings)')
    .argument('<uuid>', 'the service uuid')
    .argument('<assignments...>', 'name=value pairs')
    .option('-u, --url <url>', 'broker REST base URL (or MSB_REST_URL)', DEFAULT_URL)
    .action(async (uuid: string, pairs: string[], o: { url: string }) => {
      await configCommand(o.url, uuid, pairs);
      process.stdout.write(`sent ${pairs.join(' ')} to ${uuid}\n`);
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
