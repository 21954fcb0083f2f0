// The numbers each chart plots: hand-made fixtures with known answers, and the
// real quick run for counts. Unverified runs and runs without a block never
// appear (not even as zero).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunResult } from '../schema.ts';
import { coldStartChart, coldStartRows } from './coldstart.ts';
import { orderRuntimes, orderWorkloads, rmeBounds, runtimeColours, runtimeScale } from './common.ts';
import { latencyChart, latencyRows } from './latency.ts';
import { loadLatencyChart } from './load-latency.ts';
import { throughputRows } from './load-throughput.ts';
import { memoryChart, memoryRows } from './memory.ts';
import { perKbRows } from './per-kb.ts';
import { GEOMEAN, geometricMean, ratioLabel, slowdownRows } from './slowdown.ts';
import { micro, quickResults, results, rowsOf, source } from './test-helpers.ts';

const run = (runtime: string, workload: string, extra: Partial<RunResult> = {}): RunResult => ({ runtime, workload, verified: true, ...extra });
const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} ≠ ${b}`);

describe('order and colour', () => {
  it('puts the five known runtimes first, then others by name; workloads in DESIGN order', () => {
    assert.deepEqual(orderRuntimes(['wasm-jco', 'remote', 'zeta', 'native', 'wasm']), ['native', 'wasm', 'remote', 'wasm-jco', 'zeta']);
    assert.deepEqual(orderWorkloads(['redact', 'custom', 'noop', 'router']), ['noop', 'router', 'redact', 'custom']);
  });

  it('gives native, lua, quickjs, wasm, remote fixed colours, whatever else a file has', () => {
    const a = runtimeColours([source('a', results([run('native', 'noop'), run('wasm-jco', 'noop')]))]);
    const b = runtimeColours([source('b', results([run('remote', 'noop'), run('lua', 'noop')]))]);
    for (const r of ['native', 'lua', 'quickjs', 'wasm', 'remote']) assert.equal(a.get(r), b.get(r), r);
    assert.ok(a.get('wasm-jco'));
    assert.ok(![...['native', 'lua', 'quickjs', 'wasm', 'remote'].map((r) => a.get(r))].includes(a.get('wasm-jco')));
    // A chart's legend lists only its runtimes, in the stable order, with the same colours.
    const sources = [source('a', results([run('native', 'noop'), run('wasm-jco', 'noop'), run('wasm', 'noop')]))];
    const scale = runtimeScale(sources, ['wasm-jco', 'native']);
    assert.deepEqual(scale.domain, ['native', 'wasm-jco']);
    assert.deepEqual(scale.range, [runtimeColours(sources).get('native'), runtimeColours(sources).get('wasm-jco')]);
  });

  it('error bars are mean ± mean·rme/100, kept positive for a log axis', () => {
    assert.deepEqual(rmeBounds(10, 5), { lo: 9.5, hi: 10.5 });
    assert.deepEqual(rmeBounds(10, 150), { lo: 0.1, hi: 25 });
    assert.deepEqual(rmeBounds(10, Number.NaN), { lo: 10, hi: 10 });
  });
});

describe('per-call latency', () => {
  it('plots µs with rme bars, leaves out unverified runs and runs without micro', () => {
    const r = results([
      run('native', 'noop', { micro: micro(2000, 10) }),
      run('lua', 'noop', { micro: micro(5000), verified: false, error: 'wrong answer' }),
      run('quickjs', 'noop'), // no micro block: absent, not zero
    ]);
    const rows = latencyRows([source('s', r)]);
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.runtime, 'native');
    close(rows[0]!.meanUs, 2, 'mean µs');
    close(rows[0]!.loUs, 1.8, 'lo');
    close(rows[0]!.hiUs, 2.2, 'hi');
    assert.ok(!JSON.stringify(latencyChart([source('s', r)])!.spec).includes('"lua"'));
  });

  it('has one row per verified pair of the real run', () => {
    const r = quickResults();
    assert.equal(latencyRows([source('q', r)]).length, 35);
    r.runs[3]!.verified = false;
    const rows = latencyRows([source('q', r)]);
    assert.equal(rows.length, 34);
    assert.ok(!rows.some((x) => x.runtime === r.runs[3]!.runtime && x.workload === r.runs[3]!.workload));
  });
});

describe('slowdown versus native', () => {
  const r = results([
    run('native', 'a', { micro: micro(100) }),
    run('native', 'b', { micro: micro(200) }),
    run('lua', 'a', { micro: micro(1000) }),
    run('lua', 'b', { micro: micro(800) }),
    run('lua', 'c', { micro: micro(800) }), // no native for c: no ratio
    run('quickjs', 'a', { micro: micro(1e6), verified: false }),
  ]);
  const rows = slowdownRows([source('s', r)]);
  const cell = (runtime: string, column: string) => rows.find((x) => x.runtime === runtime && x.column === column);

  it('native is exactly ×1, others are mean over native mean for the same workload', () => {
    assert.equal(cell('native', 'a')!.ratio, 1);
    assert.equal(cell('native', 'b')!.ratio, 1);
    assert.equal(cell('native', GEOMEAN)!.ratio, 1);
    assert.equal(cell('lua', 'a')!.ratio, 10);
    assert.equal(cell('lua', 'b')!.ratio, 4);
    assert.equal(cell('lua', 'c'), undefined);
    assert.equal(cell('quickjs', 'a'), undefined, 'unverified');
  });

  it('the geomean column is the geometric mean over the workloads with a ratio', () => {
    close(cell('lua', GEOMEAN)!.ratio, Math.sqrt(40), 'geomean');
    assert.equal(cell('lua', GEOMEAN)!.workloads, 2);
    assert.equal(cell('lua', GEOMEAN)!.label, '×6.32');
    close(geometricMean([2, 8]), 4, 'geometricMean');
    assert.equal(rows.length, 6);
  });

  it('labels with three significant digits', () => {
    assert.deepEqual([1, 12.34, 123.4, 999.7, 29252.4, 0.7456].map(ratioLabel), ['×1.00', '×12.3', '×123', '×1000', '×29252', '×0.746']);
  });

  it('does not compare across sources: each source has its own native', () => {
    const other = results([run('native', 'a', { micro: micro(50) }), run('lua', 'a', { micro: micro(1000) })]);
    const both = slowdownRows([source('s', r), source('t', other)]);
    assert.equal(both.find((x) => x.source === 't' && x.runtime === 'lua' && x.column === 'a')!.ratio, 20);
    assert.equal(both.find((x) => x.source === 's' && x.runtime === 'lua' && x.column === 'a')!.ratio, 10);
  });
});

describe('under load', () => {
  const load = (rps: number, p99 = 2) => ({ requestsPerSec: rps, latencyMs: { p50: 1, p99, max: 9 }, errors: 0, non2xx: 0, connections: 4, durationS: 1 });

  it('takes the bare ceiling per workload when the file has it, else the run baseline', () => {
    const r = results([run('native', 'noop', { load: load(900) }), run('native', 'redact', { load: load(300) }), run('lua', 'redact', { load: load(0) })], {
      load: { requestsPerSec: 1000, latencyMs: { p50: 0.5, p99: 1 } },
      loadByWorkload: { redact: { requestsPerSec: 700, latencyMs: { p50: 0.6, p99: 1.5 } } },
    });
    const rows = throughputRows([source('s', r)]);
    const bare = (w: string) => rows.find((x) => x.kind === 'bare' && x.workload === w);
    assert.equal(bare('redact')!.requestsPerSec, 700);
    assert.equal(bare('noop')!.requestsPerSec, 1000);
    assert.equal(rows.filter((x) => x.kind === 'run').length, 2, 'zero requests/s is not a measurement');
  });

  it('has no ceiling without a baseline, and no chart without load runs', () => {
    const rows = throughputRows([source('s', results([run('native', 'noop', { load: load(900) })]))]);
    assert.deepEqual(
      rows.map((x) => x.kind),
      ['run'],
    );
    assert.equal(loadLatencyChart([source('s', results([run('native', 'noop', { micro: micro(10) })]))]), undefined);
  });

  it('uses loadByWorkload from the real run for all 7 workloads', () => {
    const r = quickResults();
    const rows = throughputRows([source('q', r)]);
    assert.equal(rows.filter((x) => x.kind === 'run').length, 35);
    const bare = rows.filter((x) => x.kind === 'bare');
    assert.equal(bare.length, 7);
    const byWorkload = (r.baseline as unknown as { loadByWorkload: Record<string, { requestsPerSec: number }> }).loadByWorkload;
    for (const b of bare) assert.equal(b.requestsPerSec, byWorkload[b.workload]!.requestsPerSec);
  });
});

describe('memory and cold start', () => {
  it('stacks RSS, heap and external in KiB, negatives drawn as 0 with the measured bytes kept', () => {
    const r = results([
      run('native', 'noop', { memory: { instances: 200, bytesPerInstance: { rss: -2048, heap: 1024, external: 0 } } }),
      run('lua', 'noop', { memory: { instances: 200, bytesPerInstance: { rss: 4096, heap: 512, external: 0, engine: 3000 } }, verified: false }),
    ]);
    const rows = memoryRows([source('s', r)]);
    assert.deepEqual(
      rows.map((x) => [x.runtime, x.part, x.value, x.order]),
      [
        ['native', 'RSS', 0, 0],
        ['native', 'V8 heap', 1, 1],
        ['native', 'external', 0, 2],
      ],
    );
    assert.equal(rows[0]!.rss, -2048);
    assert.equal(rows[0]!.engine, 'not reported');
    assert.match(memoryChart([source('s', r)])!.caption, /negative .* drawn as 0/);
  });

  it('labels bars by runtime, or by runtime · workload when several workloads were measured', () => {
    const mem = { instances: 10, bytesPerInstance: { rss: 1, heap: 1, external: 1 } };
    const single = memoryChart([source('s', results([run('native', 'noop', { memory: mem }), run('lua', 'noop', { memory: mem })]))])!;
    assert.deepEqual([...new Set(rowsOf(single.spec).map((x) => x.bar))], ['native', 'lua']);
    assert.match(single.caption, /noop workload/);
    const several = memoryRows([source('s', results([run('lua', 'router', { memory: mem }), run('native', 'noop', { memory: mem })]))]);
    assert.deepEqual([...new Set(several.map((x) => x.bar))], ['lua · router', 'native · noop']);
  });

  it('splits cold start into load, instantiate and first call (ms), from the real run', () => {
    const rows = coldStartRows([source('q', quickResults())]);
    assert.equal(rows.length, 5 * 3, 'cold start is measured on noop only in a quick run');
    const wasm = rows.filter((x) => x.runtime === 'wasm');
    assert.deepEqual(
      wasm.map((x) => x.part),
      ['load', 'instantiate', 'first call'],
    );
    close(wasm[0]!.totalMs, wasm.reduce((s, x) => s + x.value, 0), 'total');
    assert.equal(coldStartChart([source('s', results([run('native', 'noop', { micro: micro(10) })]))]), undefined);
  });
});

describe('per-KB cost', () => {
  it('one point per runtime × payload workload × size class of the real run', () => {
    const rows = perKbRows([source('q', quickResults())]);
    assert.equal(rows.length, 5 * 2 * 3);
    assert.deepEqual(orderWorkloads(rows.map((x) => x.workload)), ['json-transform', 'redact']);
    const big = rows.find((x) => x.runtime === 'native' && x.sizeClass === '1 MiB')!;
    assert.equal(big.bodyBytes, 1048576);
    assert.equal(big.kib, 1024);
    close(big.usPerKib, big.meanUs / 1024, 'µs per KiB');
  });

  it('leaves out unverified runs and unusable size classes', () => {
    const m = micro(1000);
    const r = results([
      run('native', 'redact', { microBySize: { '1 KiB': { ...m, bodyBytes: 1024 }, broken: { ...m, bodyBytes: 0 } } }),
      run('lua', 'redact', { microBySize: { '1 KiB': { ...m, bodyBytes: 1024 } }, verified: false }),
    ]);
    assert.deepEqual(
      perKbRows([source('s', r)]).map((x) => [x.runtime, x.sizeClass]),
      [['native', '1 KiB']],
    );
  });
});
