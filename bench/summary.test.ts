import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Results, RunResult } from '../reports/schema.ts';
import { geomeanRatio, summaryTable } from './summary.ts';

test('geometric mean of ratios', () => {
  assert.equal(geomeanRatio([]), undefined);
  assert.ok(Math.abs(geomeanRatio([2, 8])! - 4) < 1e-12);
  assert.ok(Math.abs(geomeanRatio([10, 1000, 100])! - 100) < 1e-9);
});

const micro = (mean: number) => ({
  opsPerSec: 1e9 / mean,
  latencyNs: { mean, p50: mean, p99: mean, p999: mean },
  rme: 1,
  samples: 10,
  callsPerSample: 1,
});

test('the table shows µs/call, ratios to native, INVALID pairs and the problems', () => {
  const runs: RunResult[] = [
    { runtime: 'native', workload: 'a', verified: true, micro: micro(100) },
    { runtime: 'native', workload: 'b', verified: true, micro: micro(1000) },
    { runtime: 'lua', workload: 'a', verified: true, micro: micro(200) },
    { runtime: 'lua', workload: 'b', verified: true, micro: micro(8000) },
    { runtime: 'wasm', workload: 'a', verified: true, micro: micro(300) },
    { runtime: 'wasm', workload: 'b', verified: false, error: '[wasm × b] request #3: result: expected "", got "x"' },
  ];
  const results: Results = {
    schema: 'plugbench/results@1',
    environment: { cpu: 'CPU', cores: 2, os: 'Linux', node: 'v20', engines: {}, commit: 'abc', date: '' },
    config: { profile: 'quick' },
    runs,
  };
  const out = summaryTable(results);
  assert.match(out, /lua\s+0\.200 ±1\.0% \(2\.0×\)\s+8\.00 ±1\.0% \(8\.0×\)\s+4\.0×/);
  assert.match(out, /wasm\s+0\.300 ±1\.0% \(3\.0×\)\s+INVALID\s+3\.0× \(1 of 2\)/);
  assert.match(out, /Problems:\n {2}\[wasm × b\] request #3/);
});
