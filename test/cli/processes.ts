import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** The project root (tests run from dist/test/...). */
export const ROOT = join(__dirname, '..', '..', '..');
export const CLI = join(ROOT, 'dist', 'lib', 'cli', 'main.js');

/** The environment without MSB_* variables, so that the developer's settings do not leak in. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('MSB_')) env[k] = v;
  return { ...env, ...extra };
}

/** A child process whose output is collected, with a way to wait for a line. */
export class Running {
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(readonly child: ChildProcess) {
    child.stdout?.setEncoding('utf8').on('data', (d: string) => { this.stdout += d; });
    child.stderr?.setEncoding('utf8').on('data', (d: string) => { this.stderr += d; });
    // 'close' (not 'exit'): it comes after the output pipes are drained, so stdout is complete.
    this.exited = new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  }

  /** Resolves with the first match of `pattern` in stdout (or stderr); rejects on timeout or exit. */
  waitFor(pattern: RegExp, timeoutMs = 20_000, stream: 'stdout' | 'stderr' = 'stdout'): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const source = stream === 'stdout' ? this.child.stdout : this.child.stderr;
      const check = () => {
        const m = this[stream].match(pattern);
        if (m) { done(); resolve(m); }
      };
      const onExit = () => { check(); done(); reject(new Error(`process exited before printing ${pattern}; stdout:\n${this.stdout}\nstderr:\n${this.stderr}`)); };
      const timer = setTimeout(() => { done(); reject(new Error(`timed out waiting for ${pattern}; stdout:\n${this.stdout}\nstderr:\n${this.stderr}`)); }, timeoutMs);
      const done = () => { clearTimeout(timer); source?.off('data', check); this.child.off('exit', onExit); };
      source?.on('data', check);
      this.child.once('exit', onExit);
      check();
    });
  }

  /** Sends a signal to the whole process group, as a terminal's Ctrl-C does. */
  signal(sig: NodeJS.Signals): void {
    if (this.child.pid !== undefined && this.child.exitCode === null) {
      try { process.kill(-this.child.pid, sig); } catch { /* already gone */ }
    }
  }
}

export function start(command: string, args: string[], env = cleanEnv()): Running {
  return new Running(spawn(command, args, { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] }));
}

/** Runs to completion (bounded), returning exit code and output. */
export async function run(args: string[], timeoutMs = 20_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = start(process.execPath, [CLI, ...args]);
  const timer = setTimeout(() => p.signal('SIGKILL'), timeoutMs);
  const { code } = await p.exited;
  clearTimeout(timer);
  return { code, stdout: p.stdout, stderr: p.stderr };
}
