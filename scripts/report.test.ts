// The report command as a user runs it: paths written, merged and compared
// files, exit statuses, and errors that name the file.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Results } from '../reports/schema.ts';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
// The committed sample's results files (real runs).
const fixture = (name: string) => join(root, 'reports', 'sample', name);

function report(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/report.ts', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('one report from a bench file and a conformance file: HTML, Markdown and tracker JSON', () => {
  const dir = mkdtempSync(join(tmpdir(), 'plugbench-report-'));
  const r = report(fixture('node20-bench.json'), fixture('node20-conformance.json'), '-o', join(dir, 'r.html'), '--tracker-json', join(dir, 't.json'));
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n').map((l) => l.split('/').pop()), ['r.html', 'r.md', 't.json']);
  const html = readFileSync(join(dir, 'r.html'), 'utf8');
  // Self-contained: the chart libraries are inlined, nothing is loaded from elsewhere.
  assert.match(html, /vega-lite\/build\/vega-lite\.min\.js \(inlined from node_modules\)/);
  assert.doesNotMatch(html, /<script[^>]+src=/);
  assert.doesNotMatch(html, /<link[^>]+href=/);
  assert.match(html, /<section id="conformance">/);
  assert.match(html, /<section id="isolation">/);
  const md = readFileSync(join(dir, 'r.md'), 'utf8');
  assert.match(md, /\| runtime \| noop \| headers \|/);
  assert.match(md, /- lua: conformant \(MUST 28\/28/);
  const tracker = JSON.parse(readFileSync(join(dir, 't.json'), 'utf8')) as Array<{ name: string; unit: string; value: number }>;
  assert.ok(tracker.length > 30);
  for (const e of tracker) assert.ok(typeof e.name === 'string' && typeof e.unit === 'string' && Number.isFinite(e.value), JSON.stringify(e));
});

test('--compare writes HTML and Markdown; --fail-on-regression exits 1 only on a regression beyond the threshold', () => {
  const dir = mkdtempSync(join(tmpdir(), 'plugbench-compare-'));
  const base = JSON.parse(readFileSync(fixture('node20-bench.json'), 'utf8')) as Results;
  const slower: Results = structuredClone(base);
  const lua = slower.runs.find((x) => x.runtime === 'lua' && x.workload === 'headers')!;
  lua.micro!.latencyNs.mean *= 2; // twice as slow, same spread
  writeFileSync(join(dir, 'head.json'), JSON.stringify(slower));

  const same = report('--compare', fixture('node20-bench.json'), fixture('node20-bench.json'), '-o', join(dir, 'same.html'), '--fail-on-regression', '10');
  assert.equal(same.code, 0, same.stderr);
  assert.match(same.stdout, /0 faster, 0 slower/);

  const worse = report('--compare', fixture('node20-bench.json'), join(dir, 'head.json'), '-o', join(dir, 'cmp.html'), '--fail-on-regression', '10');
  assert.equal(worse.code, 1);
  assert.match(worse.stderr, /regression beyond 10%: lua × headers · micro mean 2\.000/);
  assert.match(readFileSync(join(dir, 'cmp.md'), 'utf8'), /\| lua \| headers \| micro mean \|/);
  assert.match(readFileSync(join(dir, 'cmp.html'), 'utf8'), /id="compare-ratios"/);

  // A doubling is not beyond a 150% threshold: reported, but the exit status stays 0.
  const loose = report('--compare', fixture('node20-bench.json'), join(dir, 'head.json'), '-o', join(dir, 'cmp2.html'), '--fail-on-regression', '150');
  assert.equal(loose.code, 0, loose.stderr);
  assert.match(loose.stdout, /1 slower/);
});

test('bad input: the error names the file and the problem, exit 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'plugbench-bad-'));
  writeFileSync(join(dir, 'bad.json'), '{"schema":"plugbench/results@1","environment":{}}');
  const r = report(fixture('node20-bench.json'), join(dir, 'bad.json'));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bad\.json: environment\.cpu is missing or not a string/);
  assert.equal(r.stdout, '');
  assert.match(report().stderr, /no results file given/);
  assert.match(report('--compare', fixture('node20-bench.json')).stderr, /--compare takes exactly two files/);
  assert.match(report(fixture('node20-bench.json'), '--fail-on-regression', '5').stderr, /--fail-on-regression needs --compare/);
});
