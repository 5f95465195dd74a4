import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

/**
 * Request/answer over the IPC channel of a forked child. Every measured piece runs in a child
 * process, so its heap, JIT state and event loop are its own and CPU is not shared with the
 * orchestrator's bookkeeping.
 */
interface Request { id: number; cmd: string; args: unknown }
interface Answer { id: number; ok: boolean; result?: unknown; error?: string }

export type Handlers = Record<string, (args: any) => unknown>;

/** Child side: answers requests with the handlers; exits when the parent goes away. */
export function serve(handlers: Handlers): void {
  process.on('disconnect', () => process.exit(0));
  process.on('message', (msg: Request) => {
    const handler = handlers[msg.cmd];
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`unknown command ${msg.cmd}`);
        return handler(msg.args);
      })
      .then(
        (result) => process.send?.({ id: msg.id, ok: true, result } satisfies Answer),
        (e: unknown) => process.send?.({ id: msg.id, ok: false, error: e instanceof Error ? e.stack ?? e.message : String(e) } satisfies Answer),
      );
  });
}

/** Parent side handle of one child. */
export class Child {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly proc: ChildProcess;
  private exited = false;
  private readonly exit: Promise<void>;

  constructor(script: string, args: string[] = [], execArgv: string[] = []) {
    this.proc = fork(script, args, { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.proc.on('message', (a: Answer) => {
      const p = this.pending.get(a.id);
      if (!p) return;
      this.pending.delete(a.id);
      if (a.ok) p.resolve(a.result);
      else p.reject(new Error(a.error));
    });
    this.exit = new Promise((resolve) => {
      this.proc.on('exit', (code, signal) => {
        this.exited = true;
        for (const p of this.pending.values()) p.reject(new Error(`child ${script} exited (${code ?? signal}) before answering`));
        this.pending.clear();
        resolve();
      });
    });
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  /** Sends a command; rejects after `timeoutMs` so that one hung scenario cannot hang the run. */
  call<T>(cmd: string, args: unknown = {}, timeoutMs = 60_000): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`child exited; cannot run ${cmd}`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${cmd} did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => { clearTimeout(timer); resolve(v as T); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      });
      this.proc.send({ id, cmd, args } satisfies Request);
    });
  }

  /** Disconnects (the child exits on its own) and kills it by pid if it lingers. */
  async stop(graceMs = 3000): Promise<void> {
    if (this.exited) return;
    if (this.proc.connected) this.proc.disconnect();
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    await this.exit;
    clearTimeout(timer);
  }
}
