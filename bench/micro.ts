// Per-call latency with tinybench, after verification and warm-up.
//
// A call can take 50 ns (native) or 150 µs (remote). Timing each call alone
// would measure the timer for the fast ones, so calls are timed in batches
// sized to about BATCH_TARGET_NS, and each sample is the batch's mean per call
// (tinybench's `overriddenDuration`). Every call includes resetting the request
// context to the next corpus item, identically for every runtime.

import { Bench } from 'tinybench';
import type { MicroFigures } from '../reports/schema.ts';

export interface MicroOptions {
  /** Measured time per task, ms. */
  timeMs: number;
  /** Warm-up time per task, ms. */
  warmupMs: number;
}

const BATCH_TARGET_NS = 50_000;

/** One call: reset the context to the next request and run the filter. */
export type Call = () => string | Promise<string>;

async function calibrate(call: Call, isAsync: boolean): Promise<number> {
  // Run for ~20 ms (or 200 calls at least) to find the cost of one call.
  let calls = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0n;
  while (elapsed < 20_000_000n || calls < 200) {
    if (isAsync) await call();
    else call();
    calls++;
    elapsed = process.hrtime.bigint() - start;
    if (elapsed > 2_000_000_000n) break;
  }
  const perCall = Number(elapsed) / calls;
  return Math.max(1, Math.round(BATCH_TARGET_NS / perCall));
}

export async function measureMicro(call: Call, options: MicroOptions): Promise<MicroFigures> {
  const probe = call();
  const isAsync = probe instanceof Promise;
  if (isAsync) await probe; // one call in flight at a time, as the ABI requires
  const batch = await calibrate(call, isAsync);

  // tinybench budgets `time` against the sum of the samples it records, and
  // each sample here is one call's share of a batch: scale the budget so the
  // wall time spent is what the profile asks for.
  const bench = new Bench({
    time: options.timeMs / batch,
    warmupTime: options.warmupMs / batch,
    iterations: 16,
    throws: true,
  });
  if (isAsync) {
    bench.add('call', async () => {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < batch; i++) await call();
      return { overriddenDuration: Number(process.hrtime.bigint() - t0) / 1e6 / batch };
    });
  } else {
    bench.add('call', () => {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < batch; i++) call();
      return { overriddenDuration: Number(process.hrtime.bigint() - t0) / 1e6 / batch };
    });
  }
  await bench.run();
  const result = bench.tasks[0]!.result;
  if (result.state === 'errored') throw result.error;
  if (result.state !== 'completed') throw new Error(`tinybench ended in state ${result.state}`);
  const l = result.latency;
  const ns = (ms: number) => ms * 1e6;
  return {
    opsPerSec: 1e9 / ns(l.mean),
    latencyNs: { mean: ns(l.mean), p50: ns(l.p50), p99: ns(l.p99), p999: ns(l.p999) },
    rme: l.rme,
    samples: l.samplesCount,
    callsPerSample: batch,
  };
}
