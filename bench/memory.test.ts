// Memory per instance in fresh child processes: sane figures on in-process
// runtimes, slopes between counts, counts over budget skipped with a reason,
// and a hanging child reported as a timeout.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { RunResult } from '../reports/schema.ts';
import { liveChildren } from './child-process.ts';
import { measureMemory, overBudget, slopes, summarizeMemory, type MemoryCount } from './memory.ts';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const MiB = 2 ** 20;
const quick = { timeoutMs: 30_000, baselineWaitMs: 200 };

function count(instances: number, figures: Partial<MemoryCount>): MemoryCount {
  return { instances, rss: 0, heap: 0, external: 0, arrayBuffers: 0, perInstanceMs: 1, wallMs: 500, settleMs: 0, ...figures };
}

test('bytes per instance is the slope between the two largest counts; its intercept is the fixed part', () => {
  const { bytesPerInstance, fixedBytes } = slopes([
    count(1, { rss: 9 * MiB, heap: 5000 }), // a noisy small count does not move the slope
    count(100, { rss: 1000 + 100 * 2048, heap: 300 + 100 * 512, engine: 100 * 64 }),
    count(10, { rss: 1000 + 10 * 2048, heap: 300 + 10 * 512, engine: 10 * 64 }),
  ]);
  assert.equal(bytesPerInstance.rss, 2048);
  assert.equal(bytesPerInstance.heap, 512);
  assert.equal(bytesPerInstance.engine, 64);
  assert.equal(fixedBytes.rss, 1000);
  assert.equal(fixedBytes.heap, 300);
  assert.equal(bytesPerInstance.serviceRss, undefined, 'a figure no count has is absent');
  assert.equal(slopes([count(4, { heap: 4000 })]).bytesPerInstance.heap, 1000, 'one count: growth / count');
});

test('a count the smaller ones predict too large or too slow is skipped with the reason', () => {
  const done = count(100, { rss: 100 * 100_000, perInstanceMs: 2, wallMs: 1000 });
  assert.match(overBudget(done, 1000, 60_000, 50 * MiB)!, /^estimated 95 MiB for 1000 instances \(97\.7 KiB each at 100\) exceeds the budget of 50 MiB$/);
  assert.match(overBudget(done, 100_000, 60_000, 1e12)!, /^estimated 300\.8 s for 100000 instances \(2\.00 ms each at 100\) does not fit the 60 s timeout$/);
  assert.equal(overBudget(done, 1000, 60_000, 1e12), undefined);
});

test('native and quickjs: positive, sane growth per instance; quickjs reports its engine memory', async () => {
  const [native, quickjs] = await Promise.all([
    measureMemory({ builtin: 'native' }, 'noop', { counts: [1, 50, 10_000_000], ...quick }),
    measureMemory({ builtin: 'quickjs' }, 'noop', { counts: [20, 1], ...quick }),
  ]);

  assert.deepEqual(native.byCount.map((c) => c.instances), [1, 50]);
  assert.equal(native.instances, 50);
  assert.match(native.skipped?.[0]?.reason ?? '', /^estimated .* for 10000000 instances/);
  assert.equal(native.bytesPerInstance.engine, undefined, 'native reports no engine memory');
  assert.deepEqual(quickjs.byCount.map((c) => c.instances), [1, 20], 'counts run smallest first');
  for (const r of [native, quickjs]) {
    assert.equal(r.error, undefined);
    for (const [k, v] of Object.entries(r.bytesPerInstance)) {
      assert.ok(Number.isInteger(v) && Math.abs(v) < 8 * MiB, `${k} per instance = ${v}`);
    }
    for (const c of r.byCount) assert.ok(c.perInstanceMs > 0 && c.wallMs > c.perInstanceMs * c.instances);
  }
  // The engine figure is QuickJS's own accounting: exact, not noisy.
  const engine = quickjs.bytesPerInstance.engine!;
  assert.ok(engine > 8 * 1024 && engine < 1 * MiB, `quickjs engine bytes per instance = ${engine}`);
  assert.equal(quickjs.byCount[1]!.engine, 20 * (quickjs.byCount[0]!.engine ?? NaN), 'every noop instance holds the same');
  assert.match(quickjs.engineMeasure!, /memory_used_size/);

  const runs: RunResult[] = [
    { runtime: 'native', workload: 'noop', verified: true, memory: native },
    { runtime: 'quickjs', workload: 'noop', verified: true, memory: quickjs },
  ];
  const table = summarizeMemory(runs);
  assert.match(table, /^native × noop\s/m);
  assert.match(table, /^quickjs × noop\s.*KiB/m);
  assert.match(table, /native × noop: 10000000 instances skipped: estimated/);
  assert.match(table, /engine, quickjs: .*memory_used_size/);
});

test('a child that hangs is reported as a timeout within the budget', async () => {
  const t0 = performance.now();
  await assert.rejects(
    measureMemory({ external: join(root, 'test', 'fixtures', 'hang-adapter.ts') }, 'noop', { counts: [1, 10], timeoutMs: 1500 }),
    /^Error: memory with 1 instances: timed out: no result within 1500 ms \(child killed\)$/,
  );
  assert.ok(performance.now() - t0 < 1500 + 1500);
  assert.equal(liveChildren(), 0);
});

test('the counts are checkpoints in one child: one that stops answering at a large count keeps the smaller ones', async () => {
  const r = await measureMemory({ external: join(root, 'test', 'fixtures', 'hang-after-adapter.ts') }, 'noop', {
    counts: [1, 5, 50, 100],
    timeoutMs: 8000,
    baselineWaitMs: 200,
  });
  assert.deepEqual(r.byCount.map((c) => c.instances), [1, 5]);
  assert.match(r.error ?? '', /^memory with 50 instances: timed out: no result within 8000 ms \(child killed\)$/);
  assert.deepEqual(r.skipped, [{ instances: 100, reason: 'not tried: 50 instances failed' }]);
  assert.ok(r.byCount[1]!.wallMs > r.byCount[0]!.wallMs, 'wallMs is the child’s time at each checkpoint');
  assert.equal(r.byCount[0]!.settleMs, r.byCount[1]!.settleMs, 'one baseline for every count');
  assert.equal(liveChildren(), 0);
});

test('a time budget skips a count the pace so far says would take the child past it', () => {
  const done = count(100, { perInstanceMs: 10, wallMs: 3000 });
  assert.equal(overBudget(done, 1000, 120_000, 1e12), undefined, 'no budget: only the timeout counts');
  assert.equal(overBudget(done, 1000, 120_000, 1e12, 20_000), undefined, '3 s + 900 × 12 ms = 13.8 s fits 20 s');
  assert.match(
    overBudget(done, 1000, 120_000, 1e12, 10_000)!,
    /^estimated 13\.8 s to reach 1000 instances \(10\.00 ms each at 100\) exceeds the time budget of 10 s$/,
  );
});
