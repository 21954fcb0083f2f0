// The conformance runner end to end: the whole suite on the built-in runtimes
// (every MUST passes), a deliberately wrong adapter (fails exactly the cases
// that cover its mistake), and the runner's own failure handling (a hung case
// times out and the suite goes on; a missing filter is not-implemented; a
// runtime that cannot be obtained fails every case).

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { FilterInstance, Runtime } from '../runtimes/abi/types.ts';
import native from '../runtimes/native/adapter.ts';
import { BUILTIN_RUNTIMES, builtinRuntime } from '../runtimes/index.ts';
import vmExample from '../test/fixtures/conformance/vm-adapter.ts';
import wrong from '../test/fixtures/wrong-adapter.ts';
import { defineCase, expectedOutcome, isExpectedFailure, isStepCase, selectCases, type CaseDefinition, type ConformanceCase } from './cases.ts';
import { tally } from './matrix.ts';
import { exitStatus, runConformance } from './run.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const cases = await selectCases();
const entry = (r: Runtime) => ({ label: r.name, get: async () => r });

test('every MUST case passes on every built-in runtime, and each implements every MUST case', async () => {
  const started = performance.now();
  const run = await runConformance({
    runtimes: BUILTIN_RUNTIMES.map((name) => ({ label: name, get: () => builtinRuntime(name) })),
    cases,
  });
  const seconds = (performance.now() - started) / 1000;
  // How long the suite takes is part of what `npm test` costs: say it (not asserted: the machine is shared).
  console.log(`conformance: ${cases.length} cases × ${BUILTIN_RUNTIMES.length} built-in runtimes in ${seconds.toFixed(1)} s`);
  assert.deepEqual(run.runtimes, [...BUILTIN_RUNTIMES]);
  assert.equal(run.results.length, cases.length * BUILTIN_RUNTIMES.length);
  const mustProblems = run.results
    .filter((r) => r.level === 'MUST' && r.status !== 'pass')
    .map((r) => `${r.runtime} × ${r.case}: ${r.status}: ${r.message}`);
  assert.deepEqual(mustProblems, [], 'MUST cases that did not pass');
  assert.equal(exitStatus(run.results), 0);
  for (const name of BUILTIN_RUNTIMES) assert.match(run.engines[name]!, /\S/, `${name} reported its engine`);
});

test('every case ends the same on every built-in runtime with its limits set as without (budgets change nothing for a well-behaved filter; native and wasm then run behind the worker boundary)', async () => {
  const limits = { cpuBudgetMs: 5000, memoryBudgetBytes: 128 * 2 ** 20 };
  const [plain, limited] = await Promise.all(
    [{}, { limits }].map((options) =>
      runConformance({ runtimes: BUILTIN_RUNTIMES.map((name) => ({ label: name, get: () => builtinRuntime(name, options) })), cases }),
    ),
  );
  const status = (r: { runtime: string; case: string; status: string }) => `${r.runtime} × ${r.case}: ${r.status}`;
  assert.equal(limited!.results.length, cases.length * BUILTIN_RUNTIMES.length);
  assert.deepEqual(limited!.results.map(status), plain!.results.map(status));
  assert.deepEqual(limited!.results.filter((r) => r.level === 'MUST' && r.status !== 'pass').map(status), [], 'MUST cases that did not pass with limits');
  for (const name of ['lua', 'quickjs', 'wasm']) assert.match(limited!.engineNotes[name]!, /Limits: /, `${name} says how it enforces its limits`);
  // native and wasm ran every case behind the worker boundary (runtimes/boundary): same results.
  for (const name of ['native', 'wasm']) assert.match(limited!.engineNotes[name]!, /Worker boundary \(limits set\)/, `${name} ran behind the worker boundary`);
});

test('the worked example of docs/adding-a-runtime.md (node:vm) passes every case', async () => {
  const run = await runConformance({ runtimes: [entry(vmExample)], cases });
  assert.deepEqual(
    run.results.filter((r) => r.status !== 'pass').map((r) => `${r.case}: ${r.message}`),
    [],
  );
});

/** Cases whose expected outcome includes a named result: what an adapter that drops results must fail. */
function namedResultCases(all: readonly ConformanceCase[]): string[] {
  return all
    .filter((c) => isStepCase(c) && c.steps.some((s) => !isExpectedFailure(s.expect) && expectedOutcome(s.request, s.expect).result !== ''))
    .map((c) => c.id);
}

test('an adapter that drops the result string fails exactly the cases with a named result, and passes the rest', async () => {
  const run = await runConformance({ runtimes: [entry(wrong)], cases });
  const failed = run.results.filter((r) => r.status === 'fail').map((r) => r.case);
  // init-error is a check case: its good deployment must answer "deployed".
  const expected = [...namedResultCases(cases), 'init-error'];
  assert.deepEqual(failed.sort(), expected.sort());
  assert.deepEqual(
    [...expected].sort(),
    ['abi-error-catchable', 'init-error', 'respond-local', 'result-strings', 'set-body-text'],
    'the cases that state a named result',
  );
  for (const r of run.results.filter((x) => x.status === 'fail')) {
    assert.match(r.message!, /result: expected "[^"]+", got ""/, `${r.case} names the difference`);
  }
  // Everything else passes (kv-host-store included: native's host binding is right).
  assert.equal(run.results.filter((r) => r.status === 'pass').length, cases.length - expected.length);
  assert.equal(run.results.filter((r) => r.status === 'not-implemented').length, 0);
  assert.equal(exitStatus(run.results), 1, 'a failed MUST case makes the run fail');
});

test('a hung case times out, is recorded, and the suite goes on', async () => {
  // A runtime whose calls never answer (a stuck remote service), on two cases of native's language.
  const stuck: Runtime = {
    name: 'stuck',
    source: 'filter.ts',
    info: async () => ({ engine: 'test', version: '0' }),
    async load(file) {
      const loaded = await native.load(file);
      return {
        async instantiate(config, host): Promise<FilterInstance> {
          const inner = await loaded.instantiate(config, host);
          return { handle: (ctx) => (ctx.path() === '/hang' ? new Promise<string>(() => {}) : inner.handle(ctx)), dispose: () => inner.dispose() };
        },
      };
    },
  };
  // Cases of the test's own, run in a folder that has a filter.ts (the noop workload's).
  const at = (definition: CaseDefinition): ConformanceCase => ({ ...definition, dir: join(ROOT, 'workloads', 'noop') });
  const hang = at(defineCase({ id: 'hang', level: 'MUST', statement: 'hangs', steps: [{ label: 'hang', request: { path: '/hang' }, expect: {} }] }));
  const ok = at(defineCase({ id: 'ok', level: 'MUST', statement: 'answers', steps: [{ label: 'ok', request: { path: '/' }, expect: {} }] }));
  const thrower = at(
    defineCase({
      id: 'throws',
      level: 'SHOULD',
      statement: 'its check throws',
      async check() {
        throw new TypeError('a bug in the check');
      },
    }),
  );
  const started = performance.now();
  const run = await runConformance({ runtimes: [entry(stuck)], cases: [hang, thrower, ok], timeoutMs: 300 });
  assert.ok(performance.now() - started < 5000, 'bounded by the timeout');
  const [h, t, o] = run.results;
  assert.equal(h!.status, 'fail');
  assert.match(h!.message!, /did not finish within 0\.3 s/);
  assert.equal(t!.status, 'fail');
  assert.match(t!.message!, /a bug in the check/);
  assert.equal(o!.status, 'pass', o!.message);
});

test('a case without a filter in the runtime language is not-implemented, never a pass', async () => {
  const python: Runtime = { name: 'python', source: 'filter.py', info: async () => ({ engine: 'none', version: '0' }), load: () => Promise.reject(new Error('never loaded')) };
  const run = await runConformance({ runtimes: [entry(python)], cases: cases.slice(0, 3) });
  assert.deepEqual(new Set(run.results.map((r) => r.status)), new Set(['not-implemented']));
  assert.match(run.results[0]!.message!, /no filter\.py in conformance\/cases\//);
  assert.equal(exitStatus(run.results), 0);
  const [t] = tally(run.results, ['python']);
  assert.equal(t!.must.pass, 0);
  assert.equal(t!.must.notImplemented, 3);
});

test('a runtime that cannot be obtained fails every case with the reason', async () => {
  const run = await runConformance({
    runtimes: [{ label: './missing-adapter.ts', get: () => Promise.reject(new Error('external adapter ./missing-adapter.ts: no such file')) }],
    cases: cases.slice(0, 2),
  });
  assert.deepEqual(run.runtimes, ['./missing-adapter.ts']);
  for (const r of run.results) {
    assert.equal(r.status, 'fail');
    assert.match(r.message!, /unavailable: external adapter \.\/missing-adapter\.ts: no such file/);
  }
  assert.equal(exitStatus(run.results), 1);
});
