/*
 * How an app stops without losing what it was doing: `@OnClose` hooks may still emit and running
 * calls may still publish their responses, so the services stop only after them, and the
 * publisher gets what is left of `closeTimeoutMs` to deliver. Also the signals that close the app.
 */
import type { Logger } from './logger';
import type { Publisher } from './publisher';
import type { ServiceRuntime } from './service-runtime';

/** Stops the services: from now on their emits and calls are refused. */
export function stopServices(services: readonly ServiceRuntime[]): void {
  for (const s of services) s.stop('the app is closing');
}

/**
 * Waits, within `closeTimeoutMs`, for the services' `@OnClose` hooks, their running calls and the
 * delivery of every event accepted; stops the services once their hooks ran. Never rejects.
 */
export async function drain(services: readonly ServiceRuntime[], publisher: Publisher, closeTimeoutMs: number): Promise<void> {
  const withHooks = services.filter((s) => s.model.lifecycle.close.length > 0);
  // Without @OnClose hooks an emit after close() is refused at once; with them, the hooks may still emit.
  if (withHooks.length === 0) stopServices(services);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => { timer = setTimeout(resolve, closeTimeoutMs); });
  // Running calls may still publish their response events: wait for them, then for delivery.
  const drained = Promise.all(withHooks.map((s) => s.runHooks('close')))
    .then(() => { stopServices(services); return Promise.all(services.map((s) => s.idle())); })
    .then(() => publisher.flush())
    .catch(() => undefined);
  await Promise.race([drained, timeout]);
  clearTimeout(timer);
}

/**
 * Closes the app on these signals, then raises the signal again so that the process ends as it
 * would have without us (unless other listeners keep it). Returns the function that uninstalls them.
 */
export function closeOnSignals(signals: readonly NodeJS.Signals[], logger: Logger, close: () => Promise<void>): () => void {
  const listeners = new Map<NodeJS.Signals, () => void>();
  for (const signal of signals) {
    const listener = (): void => {
      logger.info(`${signal} received: closing`);
      void close().then(() => {
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      });
    };
    listeners.set(signal, listener);
    process.once(signal, listener);
  }
  return () => { for (const [signal, listener] of listeners) process.off(signal, listener); };
}
