// The micro benchmark's budget: fast calls are batched, and a slow call costs
// a bounded number of calls (MIN_SAMPLES + warm-up), not tinybench's default
// minimums plus a 200-call calibration.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { measureMicro, MIN_SAMPLES, MIN_WARMUP_SAMPLES } from './micro.ts';

function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

test('a slow call (25 ms) is measured with MIN_SAMPLES samples and few calls in all', async () => {
  let calls = 0;
  const t0 = performance.now();
  const m = await measureMicro(() => (calls++, busy(25), ''), { timeMs: 50, warmupMs: 10 });
  const wallMs = performance.now() - t0;
  assert.equal(m.callsPerSample, 1);
  assert.equal(m.samples, MIN_SAMPLES);
  // probe + calibration (≥ 20 ms: one call) + warm-up + samples
  assert.ok(calls <= 1 + 1 + MIN_WARMUP_SAMPLES + MIN_SAMPLES + 1, `${calls} calls`);
  assert.ok(wallMs < 25 * 20, `${wallMs.toFixed(0)} ms`);
  assert.ok(m.latencyNs.mean >= 25e6 && Number.isFinite(m.rme));
});

test('minSamples lowers that floor; a fast call is batched and its samples follow the time budget', async () => {
  const slow = await measureMicro(() => (busy(10), ''), { timeMs: 10, warmupMs: 5, minSamples: 4 });
  assert.equal(slow.samples, 4);
  let x = 0;
  const fast = await measureMicro(() => String(x++ & 1), { timeMs: 100, warmupMs: 20 });
  assert.ok(fast.callsPerSample > 100, `batch of ${fast.callsPerSample} for a call of well under 0.5 µs`);
  assert.ok(fast.samples > 100, `${fast.samples} samples in 100 ms of 50 µs batches`);
  assert.ok(fast.rme < 50);
});
