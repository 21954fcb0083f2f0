// The runner end to end on in-process runtimes: verification gates timing, a
// wrong or broken filter is recorded with a clear error, and the run goes on.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import native from '../runtimes/native/adapter.ts';
import quickjs from '../runtimes/quickjs/adapter.ts';
import { selectWorkloads } from '../workloads/index.ts';
import type { Workload } from '../workloads/types.ts';
import { runBench } from './run.ts';

const fixtures = join(fileURLToPath(new URL('.', import.meta.url)), '..', 'test', 'fixtures');
const tiny = { name: 'quick' as const, micro: { timeMs: 20, warmupMs: 5 } };
const [noop, headers] = (await selectWorkloads(['noop', 'headers'])) as [Workload, Workload];
const entries = [native, quickjs].map((r) => ({ label: r.name, get: async () => r }));

test('verified pairs are timed; the results carry the environment and every pair', async () => {
  const seen: number[] = [];
  const results = await runBench({
    profile: tiny,
    runtimes: entries,
    workloads: [noop, headers],
    onResults: (r) => seen.push(r.runs.length),
  });
  assert.equal(results.schema, 'plugbench/results@1');
  assert.deepEqual(seen, [1, 2, 3, 4], 'results are handed out after every pair');
  assert.match(results.environment.engines.quickjs!, /QuickJS/);
  for (const run of results.runs) {
    assert.equal(run.verified, true, run.error);
    assert.ok(run.micro && run.micro.latencyNs.mean > 0 && run.micro.samples > 0);
    assert.ok(run.micro.latencyNs.p50 <= run.micro.latencyNs.p99);
  }
});

test('a filter that differs from the reference is unverified, untimed, with its first difference', async () => {
  const wrong: Workload = { ...headers, dir: join(fixtures, 'wrong-headers') };
  const results = await runBench({ profile: tiny, runtimes: entries, workloads: [wrong] });
  for (const run of results.runs) {
    assert.equal(run.verified, false);
    assert.equal(run.micro, undefined, 'an unverified pair is never timed');
    assert.match(run.error!, /^\[(native|quickjs) × headers\] request #0 \(.*\) GET \/.*: header #\d+: expected \["via","1\.1 plugbench"\], got none/);
  }
});

test('a filter that does not compile names runtime, workload and file, and the other runtimes still run', async () => {
  const broken: Workload = { ...noop, dir: join(fixtures, 'syntax-error') };
  const results = await runBench({ profile: tiny, runtimes: entries, workloads: [broken, noop] });
  const [nativeBroken, nativeOk, qjsBroken, qjsOk] = results.runs;
  assert.match(nativeBroken!.error!, /^\[native × noop\] native: cannot load .*syntax-error\/filter\.ts/);
  assert.match(qjsBroken!.error!, /^\[quickjs × noop\] quickjs: cannot load .*syntax-error\/filter\.ts: Expected "\)" but found ";"/);
  assert.equal(nativeOk!.verified, true);
  assert.equal(qjsOk!.verified, true);
});

test('a runtime without a filter in its language for a workload is recorded, not skipped silently', async () => {
  const empty: Workload = { ...noop, dir: fixtures };
  const results = await runBench({ profile: tiny, runtimes: entries.slice(0, 1), workloads: [empty] });
  assert.match(results.runs[0]!.error!, /no filter\.ts for this workload/);
});

test('timing replays the corpus clock (or advances it pass after pass for stateful workloads)', async () => {
  const { corpusCycle } = await import('./run.ts');
  const { ManualClock } = await import('../runtimes/abi/host.ts');
  const { RequestContext, prepareRequest } = await import('../runtimes/abi/context.ts');
  const prepared = prepareRequest({ method: 'GET', path: '/', headers: [], body: new Uint8Array() });
  const items = [1000, 1500, 4000].map((nowMs, index) => ({
    label: 'x', request: { method: 'GET', path: '/', headers: [], body: new Uint8Array() }, nowMs, index, prepared,
    expected: { result: '', method: 'GET', path: '/', headers: [], body: new Uint8Array() },
  }));
  for (const [mode, expected] of [
    ['replay', [1000, 1500, 4000, 1000, 1500, 4000]],
    ['advance', [1000, 1500, 4000, 5000, 5500, 8000]],
  ] as const) {
    const clock = new ManualClock();
    const seen: number[] = [];
    const call = corpusCycle({ handle: () => (seen.push(clock.nowMs()), ''), dispose() {} }, new RequestContext(), items, clock, mode);
    for (let i = 0; i < 6; i++) call();
    assert.deepEqual(seen, expected, mode);
  }
});

test('a pair loads (compiles) its filter once: verification and timing instantiate it separately', async () => {
  let loads = 0;
  const counting = { ...native, load: (file: string) => (loads++, native.load(file)) };
  const results = await runBench({
    profile: { ...tiny, microBySize: { timeMs: 5, warmupMs: 1 } },
    runtimes: [{ label: 'native', get: async () => counting }],
    workloads: [noop, headers],
  });
  assert.ok(results.runs.every((r) => r.verified));
  assert.equal(loads, 2);
  assert.equal(results.config.microTimeMs, 20);
  assert.equal(results.config.microBySizeTimeMs, 5);
});
