import { setImmediate as immediate, setTimeout as sleep } from 'node:timers/promises';

export { immediate, sleep };

export const MiB = 1024 * 1024;

/** Shortened runs for a smoke test: `BENCH_QUICK=1`. */
export const QUICK = process.env.BENCH_QUICK === '1';

/** Forces full collections (the process must run with --expose-gc), then lets the heap settle. */
export async function settledRss(settleMs: number): Promise<{ rss: number; heapUsed: number }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  await sleep(settleMs);
  for (let i = 0; i < 3; i++) {
    gc?.();
    await sleep(50);
  }
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function nowMs(): number {
  return performance.now();
}
