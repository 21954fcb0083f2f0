import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkResults } from '../model.ts';
import type { RunResult } from '../schema.ts';
import { compareFigure, compareResults, regressions, verdictCounts, type FigureComparison } from './compare.ts';
import { BARE } from './figures.ts';
import { coldStart, load, micro, results, source } from './fixtures.test-helper.ts';

const close = (actual: number, expected: number, tol: number) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${actual} is not within ${tol} of ${expected}`);

const find = (figs: FigureComparison[], runtime: string, workload: string, figure: string) => {
  const f = figs.find((x) => x.runtime === runtime && x.workload === workload && x.figure === figure);
  assert.ok(f, `no figure ${runtime} × ${workload} · ${figure}`);
  return f;
};

function run(runtime: string, workload: string, extra: Partial<RunResult> = {}): RunResult {
  return { runtime, workload, verified: true, ...extra };
}

test('micro: 100 ±1 % vs 110 ±1 % (50 samples each) is slower with CI ≈ [1.0847, 1.1155] (see stats.test.ts)', () => {
  const base = source(results([run('lua', 'noop', { micro: micro(100, 1, 50) })]), 'base');
  const head = source(results([run('lua', 'noop', { micro: micro(110, 1, 50) })]), 'head');
  const { figures } = compareResults(base, head);
  const f = find(figures, 'lua', 'noop', 'micro mean');
  assert.equal(f.verdict, 'slower');
  assert.equal(f.method, 'welch-log-ratio');
  assert.equal(f.unit, 'ns/call');
  assert.equal(f.betterIs, 'lower');
  close(f.ratio, 1.1, 1e-12);
  close(f.ci![0], 1.08474, 1e-5);
  close(f.ci![1], 1.11547, 1e-5);
  assert.equal(f.ciLevel, 0.95);
  // And the other way round: faster, reciprocal interval.
  const back = find(compareResults(head, base).figures, 'lua', 'noop', 'micro mean');
  assert.equal(back.verdict, 'faster');
  close(back.ci![1], 1 / 1.08474, 1e-5);
});

test('micro: 100 ±2 % vs 101 ±2 % (20 samples each) is no significant change', () => {
  const base = source(results([run('lua', 'noop', { micro: micro(100, 2, 20) })]));
  const head = source(results([run('lua', 'noop', { micro: micro(101, 2, 20) })]));
  const f = find(compareResults(base, head).figures, 'lua', 'noop', 'micro mean');
  assert.equal(f.verdict, 'no significant change');
  close(f.ci![0], 0.98274, 1e-5);
});

test('micro: a single sample is not tested, with the reason', () => {
  const base = source(results([run('lua', 'noop', { micro: micro(100, 0, 1) })]));
  const head = source(results([run('lua', 'noop', { micro: micro(150, 0, 1) })]));
  const f = find(compareResults(base, head).figures, 'lua', 'noop', 'micro mean');
  assert.equal(f.verdict, 'not tested');
  assert.equal(f.ci, undefined);
  close(f.ratio, 1.5, 1e-12);
  assert.match(f.why!, /single sample/);
});

test('micro: a margin of error of 0 on both sides is not tested (a zero-width interval would call anything significant)', () => {
  const base = source(results([run('lua', 'noop', { micro: micro(100, 0, 50) })]));
  const head = source(results([run('lua', 'noop', { micro: micro(101, 0, 50) })]));
  const f = find(compareResults(base, head).figures, 'lua', 'noop', 'micro mean');
  assert.equal(f.verdict, 'not tested');
  assert.match(f.why!, /margin of error 0/);
});

test('microBySize classes are compared as their own figures', () => {
  const bySize = (mean: number) => ({ '1 KiB': { ...micro(mean, 1, 50), bodyBytes: 1024 } });
  const base = source(results([run('wasm', 'redact', { micro: micro(100, 1, 50), microBySize: bySize(1000) })]));
  const head = source(results([run('wasm', 'redact', { micro: micro(100, 1, 50), microBySize: bySize(800) })]));
  const { figures } = compareResults(base, head);
  assert.equal(find(figures, 'wasm', 'redact', 'micro mean').verdict, 'no significant change');
  assert.equal(find(figures, 'wasm', 'redact', 'micro mean 1 KiB').verdict, 'faster');
});

test('cold start: 4 vs 4 separated runs are slower at the rank test’s exact level; 3 vs 3 is not tested', () => {
  const four = compareResults(
    source(results([run('quickjs', 'noop', { coldStart: coldStart(11, 10, 12, 4) })])),
    source(results([run('quickjs', 'noop', { coldStart: coldStart(14, 13, 15, 4) })])),
  );
  const f = find(four.figures, 'quickjs', 'noop', 'cold start total');
  assert.equal(f.verdict, 'slower');
  assert.equal(f.method, 'rank-separation');
  close(f.ratio, 14 / 11, 1e-12);
  assert.deepEqual(f.ci, [13 / 12, 15 / 10]);
  close(f.ciLevel!, 1 - 2 / 70, 1e-12);

  const three = compareResults(
    source(results([run('quickjs', 'noop', { coldStart: coldStart(11, 10, 12, 3) })])),
    source(results([run('quickjs', 'noop', { coldStart: coldStart(14, 13, 15, 3) })])),
  );
  const g = find(three.figures, 'quickjs', 'noop', 'cold start total');
  assert.equal(g.verdict, 'not tested');
  assert.equal(g.ci, undefined);
  assert.match(g.why!, /90 %/);
  assert.match(g.why!, /p = 0\.10/);
  // 4 vs 4 overlapping: tested, no significant change.
  const overlap = compareResults(
    source(results([run('quickjs', 'noop', { coldStart: coldStart(11, 10, 12, 4) })])),
    source(results([run('quickjs', 'noop', { coldStart: coldStart(12, 11, 13, 4) })])),
  );
  assert.equal(find(overlap.figures, 'quickjs', 'noop', 'cold start load').verdict, 'no significant change');
});

test('memory and load are not tested but show their ratio; req/s is higher-is-better; the bare server is compared', () => {
  const mem = (rss: number) => ({ instances: 200, bytesPerInstance: { rss, heap: 0, external: 0 } });
  const base = source(results([run('lua', 'noop', { memory: mem(1000), load: load(10_000, 0.3, 1) })], { bare: 20_000 }));
  const head = source(results([run('lua', 'noop', { memory: mem(2000), load: load(8_000, 0.3, 1.5) })], { bare: 20_000 }));
  const { figures } = compareResults(base, head);
  const rss = find(figures, 'lua', 'noop', 'memory rss/instance');
  assert.equal(rss.verdict, 'not tested');
  assert.equal(rss.ratio, 2);
  assert.equal(rss.unit, 'bytes');
  const heap = find(figures, 'lua', 'noop', 'memory heap/instance');
  assert.equal(heap.ratio, 1, '0 vs 0 is ratio 1');
  const rps = find(figures, 'lua', 'noop', 'load req/s');
  assert.equal(rps.betterIs, 'higher');
  assert.equal(rps.verdict, 'not tested');
  close(rps.ratio, 0.8, 1e-12);
  assert.match(rps.why!, /one load run/);
  close(find(figures, 'lua', 'noop', 'load p99').ratio, 1.5, 1e-12);
  assert.equal(find(figures, BARE, 'noop', 'load req/s').ratio, 1);
});

test('a higher-is-better figure with a spread: a rise is faster', () => {
  const fig = (value: number) => ({
    runtime: 'r',
    workload: 'w',
    figure: 'throughput',
    unit: 'ops/s',
    value,
    betterIs: 'higher' as const,
    spread: { kind: 'mean' as const, rme: 1, n: 50 },
  });
  assert.equal(compareFigure(fig(100), fig(110)).verdict, 'faster');
  assert.equal(compareFigure(fig(110), fig(100)).verdict, 'slower');
});

test('identical files: every figure has ratio 1 and none is faster or slower', () => {
  const r = results(
    [
      run('native', 'noop', {
        micro: micro(15, 0.2, 60_000),
        coldStart: coldStart(3, 2, 4, 7),
        memory: { instances: 200, bytesPerInstance: { rss: 700, heap: 1000, external: 0 } },
        load: load(11_000, 0.3, 1.1),
      }),
      run('lua', 'jwt-auth', { micro: micro(400_000, 1.5, 5000), microBySize: { '1 KiB': { ...micro(50_000, 1, 2000), bodyBytes: 1024 } } }),
    ],
    { bare: 13_000 },
  );
  const cmp = compareResults(source(r, 'a'), source(structuredClone(r), 'b'));
  assert.ok(cmp.figures.length >= 15);
  for (const f of cmp.figures) {
    assert.equal(f.ratio, 1, `${f.figure} ratio`);
    assert.ok(f.verdict === 'no significant change' || f.verdict === 'not tested', `${f.figure}: ${f.verdict}`);
    if (f.ci) assert.ok(f.ci[0] < 1 && f.ci[1] > 1);
  }
  assert.equal(find(cmp.figures, 'native', 'noop', 'micro mean').verdict, 'no significant change');
  assert.equal(find(cmp.figures, 'native', 'noop', 'cold start total').verdict, 'no significant change'); // 7 vs 7 is testable
  assert.equal(verdictCounts(cmp.figures).slower, 0);
  assert.deepEqual(cmp.environmentDiffers, []);
  assert.deepEqual(cmp.onlyInBase, []);
  assert.deepEqual(cmp.onlyInHead, []);
  assert.deepEqual(cmp.notCompared, []);
});

// A local run's results, when there is one (.scratch is not committed).
// The committed sample's bench file: a real default run with every block.
const realFile = fileURLToPath(new URL('../sample/node20-bench.json', import.meta.url));
test('a real results file compared with itself: no change anywhere', () => {
  const r = checkResults(JSON.parse(readFileSync(realFile, 'utf8')), realFile);
  const cmp = compareResults(source(r), source(r));
  assert.ok(cmp.figures.length > 100);
  assert.ok(cmp.figures.every((f) => f.ratio === 1 && f.verdict !== 'faster' && f.verdict !== 'slower'));
});

test('unverified and failed runs are not compared but listed; runs on one side only are listed', () => {
  const base = source(
    results([
      run('lua', 'noop', { micro: micro(100, 1, 50) }),
      run('quickjs', 'noop', { micro: micro(100, 1, 50) }),
      run('wasm', 'noop', { verified: false, micro: micro(100, 1, 50) }),
      run('native', 'noop', { micro: micro(10, 1, 50) }),
    ]),
  );
  const head = source(
    results([
      run('lua', 'noop', { verified: false, micro: micro(100, 1, 50) }),
      run('quickjs', 'noop', { error: 'load failed: boom\nstack…', micro: micro(100, 1, 50) }),
      run('wasm', 'noop', { verified: false }),
      run('remote', 'noop', { micro: micro(100_000, 1, 50) }),
      run('native', 'noop', { micro: micro(10, 1, 50), coldStart: coldStart(3, 2, 4, 3) }),
    ]),
  );
  const cmp = compareResults(base, head);
  assert.deepEqual(
    cmp.notCompared.map((n) => `${n.runtime} ${n.side} ${n.reason}`).sort(),
    ['lua head not verified', 'quickjs head load failed: boom', 'wasm both not verified'],
  );
  assert.ok(cmp.figures.every((f) => f.runtime === 'native'));
  assert.deepEqual(cmp.onlyInBase, []);
  assert.deepEqual(cmp.onlyInHead, [
    'remote × noop',
    'cold start total, cold start load, cold start instantiate, cold start first call: native × noop',
  ]);
});

test('environment and configuration differences are listed; commit and date are not', () => {
  const a = results([], { node: 'v20.0.0', profile: 'quick' });
  const b = results([], { node: 'v22.1.0', profile: 'default' });
  b.environment.commit = 'fedcba9876543210fedc';
  b.environment.date = '2026-02-01T00:00:00Z';
  b.environment.engines = { ...b.environment.engines, lua: 'Lua 5.4.7' };
  const d = compareResults(source(a), source(b)).environmentDiffers;
  assert.deepEqual(d, ['node: v20.0.0 → v22.1.0', 'engines.lua: Lua 5.4 → Lua 5.4.7', 'config.profile: quick → default']);
});

test('confidence option widens the interval; invalid confidence throws', () => {
  const base = source(results([run('lua', 'noop', { micro: micro(100, 1, 50) })]));
  const head = source(results([run('lua', 'noop', { micro: micro(110, 1, 50) })]));
  const f = find(compareResults(base, head, { confidence: 0.99 }).figures, 'lua', 'noop', 'micro mean');
  close(f.ci![0], 1.07985, 1e-5); // hand value in stats.test.ts
  assert.equal(f.ciLevel, 0.99);
  assert.throws(() => compareResults(base, head, { confidence: 95 }), RangeError);
});

test('regressions: significantly slower AND the near end of the CI beyond the threshold', () => {
  const fc = (ci: [number, number], verdict: FigureComparison['verdict'], betterIs: 'lower' | 'higher' = 'lower'): FigureComparison => ({
    runtime: 'r',
    workload: 'w',
    figure: `${ci}`,
    unit: 'ns/call',
    base: 1,
    head: 1,
    ratio: (ci[0] + ci[1]) / 2,
    ci,
    verdict,
    method: 'welch-log-ratio',
    betterIs,
  });
  // The 100 → 110 case: CI [1.0847, 1.1155].
  const slower = fc([1.0847, 1.1155], 'slower');
  assert.deepEqual(regressions([slower], 0), [slower]);
  assert.deepEqual(regressions([slower], 5), [slower]); // 1.0847 > 1.05
  assert.deepEqual(regressions([slower], 8.4), [slower]); // 1.0847 > 1.084
  assert.deepEqual(regressions([slower], 8.5), []); // could be only 8.47 % slower
  assert.deepEqual(regressions([slower], 10), []); // the ratio is 1.10 but the interval reaches below 1.10
  // Not significant or faster never regress, whatever the threshold.
  assert.deepEqual(regressions([fc([0.99, 1.3], 'no significant change'), fc([0.8, 0.9], 'faster')], 0), []);
  const untested: FigureComparison = { ...slower, ci: undefined, verdict: 'not tested', method: 'none', ratio: 3 };
  assert.deepEqual(regressions([untested], 0), []);
  // Higher-is-better (req/s): worse means the upper bound below 1 − pct.
  const fewer = fc([0.8, 0.85], 'slower', 'higher');
  assert.deepEqual(regressions([fewer], 10), [fewer]); // 0.85 < 0.90
  assert.deepEqual(regressions([fewer], 20), []); // 0.85 ≮ 0.80
  assert.throws(() => regressions([], -1), RangeError);
});
