import assert from 'node:assert/strict';
import { test } from 'node:test';
import { coldStart, load, micro, results, source } from './compare/fixtures.test-helper.ts';
import type { RunResult } from './schema.ts';
import { trackerEntries, trackerJson } from './tracker.ts';

const run = (runtime: string, workload: string, extra: Partial<RunResult>): RunResult => ({ runtime, workload, verified: true, ...extra });

const file = source(
  results(
    [
      run('lua', 'noop', {
        micro: micro(400, 0.5, 1000),
        coldStart: coldStart(52, 50, 55, 3),
        memory: { instances: 200, bytesPerInstance: { rss: 40_701, heap: 228, external: 0, engine: 26_201 } },
        load: load(8_000, 0.3, 1.2),
      }),
      run('lua', 'redact', { micro: micro(420_000, 2, 300), microBySize: { '4 KiB': { ...micro(28_000, 1, 2000), bodyBytes: 4096 } } }),
      run('wasm', 'noop', { verified: false, micro: micro(80, 1, 100) }),
      run('quickjs', 'noop', { error: 'boom', micro: micro(80, 1, 100) }),
    ],
    { bare: 12_500 },
  ),
  'Node v20 · Test CPU ×2 · 0123456',
);

test('tracker entries have the customSmallerIsBetter shape: name, unit, value, optional range and extra', () => {
  const entries = trackerEntries(file);
  assert.ok(entries.length > 0);
  for (const e of entries) {
    assert.deepEqual(
      Object.keys(e).filter((k) => !['name', 'unit', 'value', 'range', 'extra'].includes(k)),
      [],
    );
    assert.equal(typeof e.name, 'string');
    assert.equal(typeof e.unit, 'string');
    assert.ok(typeof e.value === 'number' && Number.isFinite(e.value), `${e.name}: value`);
    if (e.range !== undefined) {
      // github-action-benchmark reads a range as "± <number>" (or "+- <number>") in the entry's unit.
      const m = /^(\+-|±)\s*(\d.*)$/.exec(e.range);
      assert.ok(m && Number.isFinite(Number(m[2])), `${e.name}: range ${e.range}`);
    }
  }
  const names = entries.map((e) => e.name);
  assert.equal(new Set(names).size, names.length, 'names are unique');
  assert.ok(!entries.some((e) => /\/s$/.test(e.unit)), 'no per-second (bigger-is-better) unit');
  assert.ok(!names.some((n) => n.startsWith('wasm/') || n.startsWith('quickjs/')), 'unverified and failed runs are left out');
});

test('tracker entries: the figures and their values', () => {
  const byName = new Map(trackerEntries(file).map((e) => [e.name, e]));
  assert.deepEqual([...byName.keys()], [
    'lua/noop micro mean',
    'lua/noop cold start total',
    'lua/noop memory rss/instance',
    'lua/noop memory heap/instance',
    'lua/noop memory external/instance',
    'lua/noop memory engine/instance',
    'lua/noop load time per request',
    'lua/noop load p50',
    'lua/noop load p99',
    'lua/redact micro mean',
    'lua/redact micro mean 4 KiB',
    'bare server/noop load time per request',
    'bare server/noop load p50',
    'bare server/noop load p99',
  ]);
  const m = byName.get('lua/noop micro mean')!;
  assert.equal(m.unit, 'ns/call');
  assert.equal(m.value, 400);
  assert.equal(m.range, '± 2'); // 400 · 0.5 % = 2 ns, tinybench's 95 % margin
  assert.match(m.extra!, /1000 samples/);
  assert.match(m.extra!, /Test CPU/);
  const cold = byName.get('lua/noop cold start total')!;
  assert.deepEqual([cold.unit, cold.value, cold.range], ['ms', 52, undefined]);
  assert.match(cold.extra!, /median of 3, min 50\.0 ms, max 55\.0 ms/);
  assert.deepEqual([byName.get('lua/noop memory engine/instance')!.unit, byName.get('lua/noop memory engine/instance')!.value], ['bytes', 26_201]);
  // Throughput as its inverse: 1e6 / 8000 req/s = 125 µs per request; 1e6 / 12500 = 80.
  const perRequest = byName.get('lua/noop load time per request')!;
  assert.deepEqual([perRequest.unit, perRequest.value], ['µs', 125]);
  assert.match(perRequest.extra!, /8000 req\/s/);
  assert.equal(byName.get('bare server/noop load time per request')!.value, 80);
  assert.deepEqual([byName.get('lua/noop load p99')!.unit, byName.get('lua/noop load p99')!.value], ['ms', 1.2]);
});

test('a prefix keeps several files apart', () => {
  const names = trackerEntries(file, { prefix: 'machine A' }).map((e) => e.name);
  assert.ok(names.every((n) => n.startsWith('machine A · ')));
  assert.ok(names.includes('machine A · lua/noop micro mean'));
});

test('trackerJson is a JSON array of the entries', () => {
  const parsed = JSON.parse(trackerJson(file)) as unknown;
  assert.ok(Array.isArray(parsed));
  assert.deepEqual(parsed, JSON.parse(JSON.stringify(trackerEntries(file))));
});
