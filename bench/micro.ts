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
  /** Fewest samples whatever the time (default MIN_SAMPLES): what a call slower than timeMs / minSamples gets. */
  minSamples?: number;
  /**
   * Warm-up for asynchronous (out-of-process) calls, ms, when longer than warmupMs.
   * The remote filter's service process warms its own JIT and sockets by wall
   * time and call count: measured on one machine, remote noop read ≈ 500 µs
   * after 200 ms of warm-up and ≈ 210 µs after 1.5 s, in-process runtimes alike.
   */
  asyncWarmupMs?: number;
}

const BATCH_TARGET_NS = 50_000;

/** One call: reset the context to the next request and run the filter. */
export type Call = () => string | Promise<string>;

/**
 * Run for ~CALIBRATE_NS to find the cost of one call: chunks of 1, 2, 4, …
 * calls, each timed as a whole (so the timer's own cost is not charged to
 * every call), the last and largest chunk giving the estimate. A call that
 * takes longer than BATCH_TARGET_NS gets a batch of one whatever the
 * estimate, so there is no minimum call count: a 250 ms call (QuickJS
 * redacting 1 MiB) is calibrated by its first call instead of by seconds of
 * repeats.
 */
const CALIBRATE_NS = 20_000_000n;

async function calibrate(call: Call, isAsync: boolean): Promise<number> {
  const start = process.hrtime.bigint();
  let n = 1;
  let perCall: number;
  for (;;) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      if (isAsync) await call();
      else call();
    }
    const t1 = process.hrtime.bigint();
    perCall = Number(t1 - t0) / n;
    if (t1 - start >= CALIBRATE_NS) break;
    n *= 2;
  }
  return Math.max(1, Math.round(BATCH_TARGET_NS / perCall));
}

/**
 * Fewest samples per measurement, whatever the time budget: enough for a
 * median, p99 of the batch means and a margin of error (reported as `rme`,
 * so a reader sees what a slow pair's few samples are worth). Only calls of
 * more than timeMs / MIN_SAMPLES reach it (the slowest body sizes). A
 * profile may lower it (MicroOptions.minSamples) where its budget is tight.
 */
export const MIN_SAMPLES = 10;
/**
 * Fewest warm-up samples. Fast calls are warmed up by warmupMs (thousands of
 * batches); a call of 100 ms or more has already run in the probe and the
 * calibration, and tinybench's default of 16 warm-up samples would spend
 * seconds on it for nothing.
 */
export const MIN_WARMUP_SAMPLES = 2;

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
    warmupTime: (isAsync ? Math.max(options.warmupMs, options.asyncWarmupMs ?? 0) : options.warmupMs) / batch,
    iterations: options.minSamples ?? MIN_SAMPLES,
    warmupIterations: MIN_WARMUP_SAMPLES,
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
