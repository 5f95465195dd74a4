// The JSON the command reads, from the user's files and from the broker's answers: a read or
// parse failure becomes a CliError naming the file, so the user sees what to fix.
import { readFileSync } from 'node:fs';
import type { BrokerOptions } from '../broker';
import { CliError } from './errors';

/** A JSON object, not an array: the shape of the broker's answers and of a self-description's parts. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A JSON file; `what` names it in the error ("flows file"). */
export function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliError(`${what} ${path} is not valid JSON: ${(e as Error).message}`);
  }
}

/** Flows from a file: an array of flows, `{ "flows": [...] }`, or a single flow. */
export function readFlowsFile(path: string): BrokerOptions['flows'] {
  const data = readJsonFile(path, 'flows file');
  if (Array.isArray(data)) return data as BrokerOptions['flows'];
  if (data && typeof data === 'object' && Array.isArray((data as { flows?: unknown }).flows)) return (data as { flows: BrokerOptions['flows'] }).flows;
  if (data && typeof data === 'object') return [data] as BrokerOptions['flows'];
  throw new CliError(`flows file ${path} must hold a flow, an array of flows or { "flows": [...] }`);
}
