import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { combineSameEnvironment, labelSources, readResultsFile, readSources, ResultsFileError } from './model.ts';
import { RESULTS_SCHEMA, type Results } from './schema.ts';

function results(over: Partial<Results['environment']> = {}, runs: Results['runs'] = []): Results {
  return {
    schema: RESULTS_SCHEMA,
    environment: { cpu: 'AMD EPYC', cores: 2, os: 'Linux', node: 'v20.20.2', engines: {}, commit: 'a5b7d49ba789c8a59076e04a54d9d15abec4cb67', date: '2026-11-23T13:39:40.438Z', ...over },
    config: { profile: 'quick' },
    runs,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'plugbench-model-'));
function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

test('errors name the file and what is wrong', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['missing.json', '', /missing\.json: cannot be read \(ENOENT\)/],
    ['broken.json', '{"schema": ', /broken\.json: is not JSON/],
    ['other.json', JSON.stringify({ ...results(), schema: 'other@2' }), /other\.json: schema is "other@2", expected "plugbench\/results@1"/],
    ['noenv.json', JSON.stringify({ ...results(), environment: undefined }), /noenv\.json: has no "environment"/],
    ['badrun.json', JSON.stringify(results({}, [{ runtime: 'lua', workload: 'noop' } as never])), /badrun\.json: runs\[0\] needs/],
    [
      'badmicro.json',
      JSON.stringify(results({}, [{ runtime: 'lua', workload: 'noop', verified: true, micro: { opsPerSec: 1 } } as never])),
      /badmicro\.json: runs\[0\] \(lua × noop\): micro\.latencyNs\.mean is missing/,
    ],
  ];
  for (const [name, content, message] of cases) {
    const path = name === 'missing.json' ? join(dir, name) : file(name, content);
    assert.throws(() => readResultsFile(path), (err: unknown) => err instanceof ResultsFileError && message.test(err.message), name);
  }
});

test('labels say the environment, and stay unique when environments repeat', () => {
  const a = labelSources([{ file: 'a.json', results: results() }]);
  assert.equal(a[0]!.label, 'Node v20.20.2 · AMD EPYC ×2 · a5b7d49');
  const two = labelSources([
    { file: 'x/a.json', results: results() },
    { file: 'x/b.json', results: results({ date: '2026-11-24T09:00:00.000Z' }) },
    { file: 'y/c.json', results: results({ node: 'v24.11.0', commit: 'a5b7d49ba789c8a59076e04a54d9d15abec4cb67-dirty' }) },
  ]);
  assert.deepEqual(
    two.map((s) => s.label),
    ['Node v20.20.2 · AMD EPYC ×2 · a5b7d49 · 2026-11-23 13:39', 'Node v20.20.2 · AMD EPYC ×2 · a5b7d49 · 2026-11-24 09:00', 'Node v24.11.0 · AMD EPYC ×2 · a5b7d49+'],
  );
  const same = labelSources([
    { file: 'x/a.json', results: results() },
    { file: 'x/b.json', results: results() },
  ]);
  assert.notEqual(same[0]!.label, same[1]!.label);
});

test('a bench file and a conformance file of one environment become one source; overlapping runs do not', () => {
  const run = { runtime: 'lua', workload: 'noop', verified: true };
  const bench = results({}, [run]);
  const conformance: Results = { ...results(), config: { profile: 'conformance' }, conformance: [{ runtime: 'lua', case: 'x', level: 'MUST', status: 'pass' }] };
  const combined = combineSameEnvironment([
    { file: 'bench.json', results: bench },
    { file: 'conf.json', results: conformance },
  ]);
  assert.equal(combined.length, 1);
  assert.equal(combined[0]!.file, 'bench.json + conf.json');
  assert.equal(combined[0]!.results.runs.length, 1);
  assert.equal(combined[0]!.results.conformance?.length, 1);
  assert.equal(combined[0]!.results.config.profile, 'quick');

  assert.equal(combineSameEnvironment([{ file: 'a', results: bench }, { file: 'b', results: results({}, [run]) }]).length, 2);
  assert.equal(combineSameEnvironment([{ file: 'a', results: bench }, { file: 'b', results: results({ node: 'v24.0.0' }) }]).length, 2);
});

test('readSources reads, combines and labels', () => {
  const a = file('r1.json', JSON.stringify(results({}, [{ runtime: 'lua', workload: 'noop', verified: true }])));
  const b = file('r2.json', JSON.stringify(results({ node: 'v24.11.0' }, [{ runtime: 'lua', workload: 'noop', verified: true }])));
  const sources = readSources([a, b]);
  assert.deepEqual(
    sources.map((s) => s.label),
    ['Node v20.20.2 · AMD EPYC ×2 · a5b7d49', 'Node v24.11.0 · AMD EPYC ×2 · a5b7d49'],
  );
});
