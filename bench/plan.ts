import { QUICK } from './common';

/** Sizes and durations of every scenario; BENCH_QUICK=1 shrinks them for a ~30 s smoke run. */
export const PLAN = QUICK
  ? {
      throughput: { warmupMs: 300, durationMs: 600, window: 2000, reps: 1 },
      burst: { sinkEvents: 50_000, reps: 1, sizes: [50_000] },
      rtt: { warmup: 200, calls: 500, rounds: 1 },
      idleSettleMs: 500,
      cachedEvents: 10_000,
      bigService: { events: 200, functions: 200, dtos: 50, depth: 5 },
      brokerLoad: { services: 200, concurrency: 50, warmupMs: 300, durationMs: 700, window: 10 },
      brokerAttack: { flooders: 5, samples: 300, registrations: 300, sdBytes: 500_000, flows: 200, flowBytes: 60_000, templateCopies: 4000 },
    }
  : {
      throughput: { warmupMs: 600, durationMs: 1200, window: 2000, reps: 3 },
      burst: { sinkEvents: 50_000, reps: 3, sizes: [50_000, 200_000] },
      rtt: { warmup: 500, calls: 2000, rounds: 3 },
      idleSettleMs: 1500,
      cachedEvents: 10_000,
      bigService: { events: 200, functions: 200, dtos: 50, depth: 5 },
      brokerLoad: { services: 1000, concurrency: 50, warmupMs: 1000, durationMs: 3000, window: 10 },
      brokerAttack: { flooders: 5, samples: 2000, registrations: 2500, sdBytes: 500_000, flows: 1100, flowBytes: 60_000, templateCopies: 4000 },
    };
