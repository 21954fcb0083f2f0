// The bench command as a user runs it: flags, external adapters, bad input.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Results } from '../reports/schema.ts';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');

function bench(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/bench.ts', ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('an unknown runtime name lists the valid ones and exits 2', () => {
  const r = bench('--runtimes', 'nosuch');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown runtime 'nosuch'; valid: native, lua, quickjs, wasm, remote, wasm-jco, wasm-jco-hoisted-debug, none/);
  assert.equal(r.stdout, '');
});

test('an unknown workload lists the valid ones', () => {
  const r = bench('--workloads', 'nope');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown workload 'nope'; valid: noop, headers/);
});

test('--runtimes none with an external adapter benchmarks only that adapter, and a missing adapter path is reported while the rest runs', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'plugbench-')), 'r.json');
  const r = bench(
    '--quick', '--no-load', '--runtimes', 'none', '--workloads', 'noop',
    '--runtime', 'test/fixtures/external-adapter.ts', '--runtime', './no/such/adapter.ts', '--json', out,
  );
  assert.equal(r.code, 1, 'a failed pair makes the exit status non-zero');
  const results = JSON.parse(readFileSync(out, 'utf8')) as Results;
  assert.deepEqual(results.runs.map((x) => [x.runtime, x.verified]), [['external-native', true], ['./no/such/adapter.ts', false]]);
  assert.match(results.runs[1]!.error!, /external adapter \.\/no\/such\/adapter\.ts: no such file/);
  assert.match(results.environment.engines['external-native']!, /external adapter fixture/);
  assert.match(r.stdout, /external-native/);
  assert.match(r.stderr, /\[1\/2\] external-native × noop: ok/);
  // The report is written beside the results, naming the pair that failed.
  const html = readFileSync(out.replace(/\.json$/, '.html'), 'utf8');
  assert.match(html, /external-native/);
  assert.match(html, /not verified/);
  assert.match(readFileSync(out.replace(/\.json$/, '.md'), 'utf8'), /external-native/);
  assert.match(r.stdout, /report: +.*r\.html/);
});
