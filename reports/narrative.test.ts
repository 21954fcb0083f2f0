import assert from 'node:assert/strict';
import { test } from 'node:test';
import { narrative } from './narrative.ts';
import { RESULTS_SCHEMA, type Results, type RunResult } from './schema.ts';

function micro(meanNs: number): RunResult['micro'] {
  return { opsPerSec: 1e9 / meanNs, latencyNs: { mean: meanNs, p50: meanNs, p99: meanNs, p999: meanNs }, rme: 1, samples: 100, callsPerSample: 1 };
}

const results: Results = {
  schema: RESULTS_SCHEMA,
  environment: { cpu: 'x', cores: 2, os: 'Linux', node: 'v20', engines: {}, commit: 'c', date: '2026-11-23T00:00:00Z' },
  config: { profile: 'quick' },
  runs: [
    { runtime: 'native', workload: 'noop', verified: true, micro: micro(20) },
    { runtime: 'lua', workload: 'noop', verified: true, micro: micro(300) },
    { runtime: 'wasm', workload: 'noop', verified: true, micro: micro(80) },
    { runtime: 'native', workload: 'redact', verified: true, micro: micro(4000) },
    { runtime: 'lua', workload: 'redact', verified: true, micro: micro(8000) },
    { runtime: 'wasm', workload: 'redact', verified: true, micro: micro(1000) },
    // Unverified: must not be named fastest, whatever its time says.
    { runtime: 'quickjs', workload: 'redact', verified: false, error: 'differs', micro: micro(1) },
  ],
  conformance: [
    { runtime: 'lua', case: 'a', level: 'MUST', status: 'pass' },
    { runtime: 'lua', case: 'b', level: 'MUST', status: 'fail', message: 'x' },
    { runtime: 'wasm', case: 'a', level: 'MUST', status: 'pass' },
    { runtime: 'wasm', case: 'b', level: 'MUST', status: 'pass' },
  ],
  isolation: [
    { runtime: 'native', case: 'infinite-loop', outcome: 'watchdog', detail: '', mechanism: 'watchdog kill (time)' } as never,
    { runtime: 'quickjs', case: 'infinite-loop', outcome: 'contained', detail: '', mechanism: 'QuickJS interrupt handler' } as never,
  ],
};

test('what this says: every sentence carries the numbers of the file', () => {
  const text = narrative(results)
    .map((s) => `${s.heading}: ${s.sentences.join(' ')}`)
    .join('\n');
  assert.match(text, /noop: native is fastest at 0\.020 µs per call, 4\.0× ahead of wasm \(0\.080 µs\), the fastest embedded runtime\./);
  assert.match(text, /redact: wasm is fastest at 1\.00 µs per call, 4\.0× ahead of native \(4\.00 µs\)\./);
  assert.match(text, /Boundary cost — one call of a filter that does nothing \(noop\): native 0\.020 µs, lua 0\.300 µs and wasm 0\.080 µs\./);
  // lua: 15× and 2× → geomean √30 ≈ 5.5; wasm: 4× and 0.25× → 1.0, faster on one.
  assert.match(text, /lua: 5\.5× native's time per call \(geometric mean over 2 workloads\)\./);
  assert.match(text, /wasm: 1\.0× native's time per call \(geometric mean over 2 workloads\), faster than native on 1 of them\./);
  assert.match(text, /lua is not conformant: 1 of 2 MUST cases fail \(b\)\./);
  assert.match(text, /wasm passes 2 of 2 MUST cases\./);
  assert.match(text, /infinite-loop: contained by quickjs \(QuickJS interrupt handler\); stopped only by the watchdog on native\./);
  assert.doesNotMatch(text, /quickjs is fastest/);
});

test('blocks that were not measured say nothing', () => {
  const bare: Results = { ...results, runs: [], conformance: undefined, isolation: undefined };
  assert.deepEqual(narrative(bare), []);
});
