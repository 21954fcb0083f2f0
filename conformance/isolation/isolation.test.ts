// The isolation suite on a small subset: classifications on native, quickjs (with and
// without its limits) and lua, memory budgets on lua, quickjs and wasm,
// and the watchdog (time and memory) ending children within their budgets.
// Run: node --import tsx --test conformance/isolation/isolation.test.ts

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ChildJob } from './child.ts';
import {
  classify,
  formatIsolationMatrix,
  listIsolationCases,
  liveChildGroups,
  runChildProcess,
  runIsolationSuite,
  treeRss,
  type Budgets,
  type IsolationCaseResult,
} from './run.ts';

const BUDGETS: Budgets = { timeoutMs: 1000, memoryBudgetMb: 256, cpuBudgetMs: 200, startupMs: 30_000 };

function job(caseId: string, runtime: string, source: string, memoryBudgetMb = BUDGETS.memoryBudgetMb): ChildJob {
  const c = listIsolationCases().find((x) => x.id === caseId)!;
  const { dir, ...spec } = c;
  return {
    spec: { builtin: runtime },
    name: runtime,
    source,
    caseDir: dir,
    case: spec,
    cpuBudgetMs: BUDGETS.cpuBudgetMs,
    memoryBudgetMb,
    stepMs: BUDGETS.timeoutMs - 250,
    secretEnv: 'PLUGBENCH_ISOLATION_SECRET',
  };
}

function groupExists(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** A killed group can linger a moment until its members are reaped (longer on a loaded machine): poll, bounded. */
async function groupGone(pid: number, withinMs = 3000): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (groupExists(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

describe('isolation cases', () => {
  it('has at least ten cases per guest language, each folder named by its id', () => {
    const cases = listIsolationCases();
    for (const file of ['filter.ts', 'filter.lua', 'filter.c', 'filter.wasm']) {
      const with_ = cases.filter((c) => existsSync(join(c.dir, file)));
      assert.ok(with_.length >= 10, `${file}: ${with_.length} cases`);
    }
    const kinds = new Set(cases.map((c) => c.kind));
    assert.deepEqual([...kinds].sort(), ['capability', 'hazard', 'state']);
    for (const c of cases.filter((x) => x.kind === 'hazard')) assert.ok(['handle', 'init', 'async'].includes(c.trigger ?? 'handle'), c.id);
  });

  it('measures a process tree', () => {
    if (!existsSync('/proc/self/status')) return;
    const rss = treeRss(process.pid);
    assert.ok(rss !== undefined && rss > 10 * 2 ** 20, `rss ${rss}`);
  });
});

describe('isolation suite (native, quickjs with and without limits, lua)', { timeout: 120_000 }, () => {
  let results: IsolationCaseResult[] = [];
  let bombs: IsolationCaseResult[] = [];
  const get = (runtime: string, c: string, from = results) => {
    const r = from.find((x) => x.runtime === runtime && x.case === c);
    assert.ok(r, `no result for ${runtime} × ${c}`);
    return r;
  };

  it('runs the subset and classifies every run', async () => {
    results = await runIsolationSuite(
      [
        { spec: { builtin: 'native' }, name: 'native', source: 'filter.ts' },
        { spec: { builtin: 'quickjs' }, name: 'quickjs-nolimits', source: 'filter.ts', limits: false },
        { spec: { builtin: 'quickjs' }, name: 'quickjs', source: 'filter.ts' },
        { spec: { builtin: 'lua' }, name: 'lua', source: 'filter.lua' },
      ],
      { ...BUDGETS, cases: ['throw-in-handle', 'infinite-loop', 'read-file'] },
    );
    assert.equal(results.length, 12);
    assert.equal(liveChildGroups(), 0);
    const matrix = formatIsolationMatrix(results);
    assert.match(matrix, /infinite-loop\s+recovered \S+\s+WATCHDOG\s+contained \S+\s+contained/);
    // The legend names what enforces each budget, and says plainly when nothing in-process does.
    assert.match(matrix, /limits \(each adapter's own, set from the suite's budgets\): CPU 200 ms per call, memory 128 MiB/);
    assert.match(matrix, /native: CPU — worker boundary \(worker_threads\): Worker\.terminate\(\) at the budget/);
    assert.match(matrix, /quickjs-nolimits: run without limits/);
  });

  it('contains a throw, with the same instance usable afterwards', () => {
    for (const rt of ['native', 'quickjs', 'lua']) {
      const r = get(rt, 'throw-in-handle');
      assert.equal(r.outcome, 'contained', r.detail);
      assert.match(r.detail, /same instance then served a normal request/);
      assert.ok(r.ms !== undefined && r.ms < BUDGETS.timeoutMs);
    }
  });

  it('needs the watchdog for an infinite loop, unless the adapter enforces its CPU budget', () => {
    for (const rt of ['quickjs-nolimits']) {
      const r = get(rt, 'infinite-loop');
      assert.equal(r.outcome, 'watchdog', r.detail);
      assert.equal(r.mechanism, 'watchdog kill (time)');
      // Killed within its budget: not before it, and not long after.
      assert.ok(r.ms !== undefined && r.ms >= BUDGETS.timeoutMs && r.ms < BUDGETS.timeoutMs + 5000, `killed after ${r.ms} ms`);
    }
    // native with limits runs behind the worker boundary: terminated at the budget, its instance recreated.
    const native = get('native', 'infinite-loop');
    assert.equal(native.outcome, 'recovered', native.detail);
    assert.equal(native.mechanism, 'worker boundary (worker_threads): Worker.terminate() at the CPU budget (200 ms)');
    assert.match(native.detail, /recreated the instance in a new one .*the same instance handle then served a normal request/);
    assert.ok(native.ms! >= BUDGETS.cpuBudgetMs && native.ms! < BUDGETS.timeoutMs, `native stopped after ${native.ms} ms`);
    assert.equal(get('quickjs-nolimits', 'infinite-loop').limits, undefined);
    for (const [rt, mechanism] of [
      ['quickjs', /^QuickJS interrupt handler \(CPU budget\)$/],
      ['lua', /^Lua count hook \(CPU budget\)$/],
    ] as const) {
      const r = get(rt, 'infinite-loop');
      assert.equal(r.outcome, 'contained', r.detail);
      assert.match(r.mechanism, mechanism);
      assert.ok(r.ms! >= BUDGETS.cpuBudgetMs && r.ms! < BUDGETS.timeoutMs, `${rt} stopped after ${r.ms} ms`);
      assert.equal(r.limits?.cpuBudgetMs, BUDGETS.cpuBudgetMs);
    }
  });

  it('lets native read /etc/passwd and denies QuickJS', () => {
    if (!existsSync('/etc/passwd')) return;
    const native = get('native', 'read-file');
    assert.equal(native.outcome, 'allowed', native.detail);
    assert.match(native.mechanism, /worker boundary is not a sandbox/);
    assert.match(native.detail, /first line of \/etc\/passwd/);
    const qjs = get('quickjs', 'read-file');
    assert.equal(qjs.outcome, 'denied', qjs.detail);
    assert.ok(/process: undefined, require: undefined/.test(qjs.detail), `QuickJS denial names the missing globals: ${qjs.detail}`);
  });

  it('stops a memory bomb with the adapter memory budgets of lua, quickjs and wasm', async () => {
    // A CPU budget the bombs do not reach first: filling 64 MiB of wasm pages (in the
    // worker boundary, as wasm runs with a CPU budget) can take more than 200 ms.
    const b = { ...BUDGETS, memoryBudgetMb: 128, timeoutMs: 5000, cpuBudgetMs: 4000 };
    bombs = await runIsolationSuite(
      [
        { spec: { builtin: 'lua' }, name: 'lua', source: 'filter.lua' },
        { spec: { builtin: 'quickjs' }, name: 'quickjs', source: 'filter.ts' },
        { spec: { builtin: 'wasm' }, name: 'wasm', source: 'filter.wasm' },
      ],
      { ...b, cases: ['memory-bomb'] },
    );
    for (const [rt, outcome, mechanism] of [
      ['lua', 'contained', /^Lua memory budget/],
      ['quickjs', 'contained', /heap-growth budget/],
      // The C filter traps when malloc fails; a trap poisons a component instance.
      ['wasm', 'recovered', /^wasm linear-memory maximum/],
    ] as const) {
      const r = get(rt, 'memory-bomb', bombs);
      assert.equal(r.outcome, outcome, `${rt}: ${r.detail}`);
      assert.match(r.mechanism, mechanism);
      assert.ok((r.peakRssGrowthMb ?? 0) < b.memoryBudgetMb, `${rt} grew ${r.peakRssGrowthMb} MiB`);
    }
  });
});

describe('watchdog', { timeout: 60_000, concurrency: true }, () => {
  it('kills a hanging child and its process group within the time budget', async () => {
    const j = job('infinite-loop', 'native', 'filter.ts');
    const run = await runChildProcess(j, BUDGETS, 'secret');
    const r = classify(j, run, BUDGETS);
    assert.equal(r.outcome, 'watchdog');
    assert.equal(run.killed?.why, 'time');
    assert.equal(run.killed?.phase, 'hazard');
    assert.ok(r.ms! >= BUDGETS.timeoutMs && r.ms! < BUDGETS.timeoutMs + 5000, `killed after ${r.ms} ms`);
    assert.ok(await groupGone(run.pid), 'the process group is gone');
  });

  it('kills a child whose process tree outgrows the memory budget (Lua without its limits)', async (t) => {
    if (!existsSync('/proc/self/status')) return t.skip('no /proc: no memory watchdog');
    const b = { ...BUDGETS, memoryBudgetMb: 64, timeoutMs: 10_000 };
    const j = job('memory-bomb', 'lua', 'filter.lua', 64);
    const run = await runChildProcess(j, b, 'secret');
    const r = classify(j, run, b);
    assert.equal(r.outcome, 'watchdog', r.detail);
    assert.equal(r.mechanism, 'watchdog kill (memory)');
    assert.ok(r.ms! < b.timeoutMs, `killed after ${r.ms} ms, before the time budget`);
    assert.ok(await groupGone(run.pid), 'the process group is gone');
  });

  it('records a child that dies by itself as crashed (an unhandled rejection on native)', async () => {
    const j = job('async-throw', 'native', 'filter.ts');
    const run = await runChildProcess(j, BUDGETS, 'secret');
    const r = classify(j, run, BUDGETS);
    assert.equal(r.outcome, 'crashed', r.detail);
    assert.match(r.detail, /rejected after handle returned/);
  });
});
