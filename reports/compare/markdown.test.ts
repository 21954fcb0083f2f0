import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunResult } from '../schema.ts';
import { compareResults } from './compare.ts';
import { coldStart, load, micro, results, source } from './fixtures.test-helper.ts';
import { compareMarkdown, formatRatio, formatValue } from './markdown.ts';

const run = (runtime: string, workload: string, extra: Partial<RunResult>): RunResult => ({ runtime, workload, verified: true, ...extra });

test('formatValue scales to a readable unit', () => {
  assert.equal(formatValue(15.44, 'ns/call'), '15.4 ns');
  assert.equal(formatValue(53_138, 'ns/call'), '53.1 µs');
  assert.equal(formatValue(3_827_797, 'ns/call'), '3.83 ms');
  assert.equal(formatValue(0.285, 'ms'), '285 µs');
  assert.equal(formatValue(52.19, 'ms'), '52.2 ms');
  assert.equal(formatValue(690, 'bytes'), '690 B');
  assert.equal(formatValue(40_701, 'bytes'), '39.7 KiB');
  assert.equal(formatValue(11_527.45, 'req/s'), '11,527 req/s');
  assert.equal(formatValue(NaN, 'ms'), '—');
});

test('formatRatio: ratio with interval; the level only when it is not the one asked for', () => {
  const base = { runtime: 'r', workload: 'w', figure: 'f', unit: 'ms', base: 1, head: 1.1, betterIs: 'lower' as const, method: 'none' as const };
  assert.equal(formatRatio({ ...base, ratio: 1.1, ci: [1.08474, 1.11547], ciLevel: 0.95, verdict: 'slower' }, 0.95), '1.100 [1.085, 1.115]');
  assert.equal(formatRatio({ ...base, ratio: 1.25, ci: [1.08, 1.5], ciLevel: 1 - 2 / 70, verdict: 'slower' }, 0.95), '1.250 [1.080, 1.500] (97.14 %)');
  assert.equal(formatRatio({ ...base, ratio: 2, verdict: 'not tested' }, 0.95), '2.000');
  assert.equal(formatRatio({ ...base, ratio: NaN, verdict: 'not tested' }, 0.95), '—');
});

test('compareMarkdown: environment differences first, then verdicts, significant changes and the full table', () => {
  const base = source(
    results(
      [
        run('lua', 'noop', { micro: micro(100, 1, 50), load: load(10_000, 0.3, 1) }),
        run('quick|js', 'noop', { micro: micro(100, 2, 20), coldStart: coldStart(11, 10, 12, 3) }),
        run('wasm', 'noop', { micro: micro(100, 1, 50) }),
      ],
      { node: 'v20.0.0' },
    ),
    'base label',
    'base.json',
  );
  const head = source(
    results(
      [
        run('lua', 'noop', { micro: micro(110, 1, 50), load: load(9_000, 0.3, 1) }),
        run('quick|js', 'noop', { micro: micro(101, 2, 20), coldStart: coldStart(14, 13, 15, 3) }),
        run('wasm', 'noop', { verified: false }),
      ],
      { node: 'v22.0.0' },
    ),
    'head label',
    'head.json',
  );
  const md = compareMarkdown(base, head, compareResults(base, head), { regressionPct: 5 });

  const envAt = md.indexOf('node: v20.0.0 → v22.0.0');
  assert.ok(envAt > 0 && envAt < md.indexOf('### Significant changes'), 'environment differences come before the tables');
  assert.match(md, /base label \(`base\.json`\)/);
  // lua micro slower; quick|js micro within noise; its 3 vs 3 cold start and lua's load untested; wasm left out.
  assert.match(md, /\*\*9 figures\*\* at 95 % confidence: 0 faster, 1 slower, 1 no significant change, 7 not tested\./);
  assert.match(md, /\*\*1 regression\*\* beyond 5 %/);
  assert.match(md, /- lua × noop · micro mean: 1\.100 \[1\.085, 1\.115\]/);
  // The significant-changes table has exactly the lua micro row.
  const sig = md.slice(md.indexOf('### Significant changes'), md.indexOf('<details>'));
  assert.match(sig, /\| lua \| noop \| micro mean \| 100 ns \| 110 ns \| 1\.100 \[1\.085, 1\.115\] \| slower \|/);
  assert.equal(sig.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| ---')).length, 2, 'header + one row');
  // Unverified runs are listed; pipes in names are escaped so the table holds.
  assert.match(md, /- wasm × noop \(head\): not verified/);
  assert.match(md, /\| quick\\\|js \| noop \| micro mean \|/);
  assert.match(md, /\| lua \| noop \| load req\/s \| 10,000 req\/s \| 9,000 req\/s \| 0\.900 \| not tested \| one load run each/);
  assert.match(md, /cold start total .*\| not tested \| 3 vs 3 runs/);
  // Words, not emoji.
  assert.doesNotMatch(md, /\p{Extended_Pictographic}/u);
});

test('compareMarkdown: same environment, no changes', () => {
  const r = results([run('lua', 'noop', { micro: micro(100, 1, 50) })]);
  const md = compareMarkdown(source(r, 'a'), source(r, 'b'), compareResults(source(r, 'a'), source(r, 'b')));
  assert.match(md, /Same machine, Node, engines and configuration/);
  assert.match(md, /### Significant changes\n\nNone\./);
  assert.doesNotMatch(md, /regression/);
});
