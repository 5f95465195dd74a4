// The msb commands in one place, for main.ts and for tests and samples that drive a command
// without a process; each command lives in its own <name>-command.ts.
export { CliError } from './errors';
export { readFlowsFile } from './json';
export { ADMIN_SECRET_ENV, resolveService } from './rest-client';
export type { ListedService } from './rest-client';
export type { WatchedEvent } from './event-stream';
export { brokerCommand } from './broker-command';
export type { BrokerCommandOptions } from './broker-command';
export { MASKED_TOKEN, describeCommand } from './describe-command';
export type { DescribeOutput } from './describe-command';
export { servicesCommand } from './services-command';
export { callCommand } from './call-command';
export type { CallOptions } from './call-command';
export { watchCommand } from './watch-command';
export { configCommand, parseAssignments } from './config-command';
