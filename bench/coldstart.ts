// Cold start (DESIGN §4): how long until a freshly deployed filter answers —
// "how fast does a hot reload take effect". Sightglass's phase split, each
// phase timed on its own in a fresh child process per sample (bench/child.ts):
//
//   load         runtime.load(file): parse / compile (what it covers per runtime: LOAD_INCLUDES)
//   instantiate  loaded.instantiate(config, host), which runs the filter's init
//   first call   the first handle() on the first corpus request (checked against the reference)
//
// Beside them, figures that are not part of a reload but of a first start:
// `processMs` (node + tsx until the child's code runs), `importMs` (importing
// the adapter module and with it the engine's JS package) and `readyMs`
// (runtime.info(): for remote, starting the service process). The first load
// in a process also pays the engine's one-off start (QuickJS's wasm module,
// esbuild's service, jco's bindgen component); `reload` repeats the cycle in
// the same process, which is what a reload in a running gateway costs.

import { performance } from 'node:perf_hooks';
import type { RunResult } from '../reports/schema.ts';
import type { ColdCycle, ColdStartSample, RuntimeSpec } from './child.ts';
import { runChild } from './child-process.ts';
import { median, spread, textTable, type Spread } from './stats-small.ts';

export type { RuntimeSpec } from './child.ts';
export type { Spread } from './stats-small.ts';

/** What `load` (and `readyMs`) covers, per built-in runtime. */
export const LOAD_INCLUDES: Record<string, string> = {
  native:
    "import() of filter.ts through tsx's loader (esbuild transform; tsx keeps a disk cache, so after a machine's first run " +
    "the transform is a cache hit). A second load() returns Node's cached module: the native adapter cannot reload a changed file.",
  lua:
    'reading filter.lua, starting a wasmoon Lua VM (a wasm module instance per loaded filter), compiling and running the ' +
    'chunk once in a probe lua_State.',
  quickjs:
    "esbuild bundle of filter.ts (the first build in a process also starts esbuild's service process), getQuickJS() " +
    "(compiling QuickJS's wasm module: once per process) and a compile check in a scratch QuickJS context.",
  wasm:
    "jco transpile of the component in process (the first in a process also compiles jco's own bindgen component), " +
    'V8 compile of the core wasm modules, import of the generated glue.',
  remote:
    'POST /filters: the service imports filter.ts (as native does, in the service process). Starting the service ' +
    'process and connecting is readyMs, not load; with --remote-url, readyMs is connecting to the running service.',
};
LOAD_INCLUDES['wasm-jco'] = LOAD_INCLUDES.wasm!;
LOAD_INCLUDES['wasm-jco-hoisted-debug'] = LOAD_INCLUDES.wasm!;

export interface ColdStartOptions {
  /** Fresh child processes, one sample each (bench/profiles.ts). */
  samples: number;
  /** Per child process: no result within this many ms kills it and records a timeout. */
  timeoutMs: number;
  /**
   * With a time budget (ms, whole measurement): once `minSamples` are taken,
   * no further sample is started that the mean so far says would end past
   * the budget. The number taken is in the result (`samples`), the reason in
   * `stoppedEarly`. A bound on the run's length on a slow or busy machine.
   */
  timeBudgetMs?: number;
  /** Samples taken whatever the time budget. Default 3 (a median and a spread). */
  minSamples?: number;
}

export interface ColdStartFigures extends ColdCycle {
  /** load + instantiate + first call (median of the per-sample sums). */
  totalMs: number;
}

/** DESIGN §6 `coldStart` (loadMs, instantiateMs, firstCallMs: medians over samples), plus the extras below. */
export interface ColdStartResult extends ColdStartFigures {
  /** Samples measured (child processes that answered). */
  samples: number;
  spread: Record<keyof ColdStartFigures, Spread>;
  /** Medians of the first-start figures that are not part of a reload (see the module comment). */
  processMs: number;
  importMs: number;
  readyMs: number;
  /** Medians of the same cycle repeated in the same process: a reload in a running gateway. */
  reload: ColdStartFigures;
  /** What load covers for this runtime. */
  includes: string;
  /** Wall time of the whole measurement, all children included, ms. */
  wallMs: number;
  /** Set when a sample failed after others succeeded: the figures are of the samples before it. */
  error?: string;
  /** Set when the time budget ended the measurement before `samples` were taken. */
  stoppedEarly?: string;
}

function figures(cycles: readonly ColdCycle[]): { medians: ColdStartFigures; spread: Record<keyof ColdStartFigures, Spread> } {
  const pick = (f: (c: ColdCycle) => number) => cycles.map(f);
  const load = pick((c) => c.loadMs);
  const inst = pick((c) => c.instantiateMs);
  const first = pick((c) => c.firstCallMs);
  const total = pick((c) => c.loadMs + c.instantiateMs + c.firstCallMs);
  return {
    medians: { loadMs: median(load), instantiateMs: median(inst), firstCallMs: median(first), totalMs: median(total) },
    spread: { loadMs: spread(load), instantiateMs: spread(inst), firstCallMs: spread(first), totalMs: spread(total) },
  };
}

export function runtimeLabel(runtime: RuntimeSpec): string {
  return 'builtin' in runtime ? runtime.builtin : runtime.external;
}

/**
 * Measures cold start of `workload` on `runtime`, one fresh child process per
 * sample, one after the other. The first failing sample (timeout, crash,
 * error) ends the measurement: with no sample before it, the promise rejects
 * with a message saying what happened; otherwise the earlier samples are
 * reported with `error` set.
 */
export async function measureColdStart(runtime: RuntimeSpec, workload: string, options: ColdStartOptions): Promise<ColdStartResult> {
  const started = performance.now();
  const samples: ColdStartSample[] = [];
  let error: string | undefined;
  let stoppedEarly: string | undefined;
  const minSamples = Math.min(options.samples, options.minSamples ?? 3);
  for (let i = 0; i < options.samples; i++) {
    if (options.timeBudgetMs !== undefined && i >= minSamples) {
      const spent = performance.now() - started;
      const next = spent + spent / i;
      if (next > options.timeBudgetMs) {
        stoppedEarly = `${i} of ${options.samples} samples: another would end at ≈ ${(next / 1000).toFixed(1)} s, past the time budget of ${(options.timeBudgetMs / 1000).toFixed(0)} s`;
        break;
      }
    }
    try {
      const { answer } = await runChild({ mode: 'coldstart', runtime, workload }, { timeoutMs: options.timeoutMs });
      samples.push(answer);
    } catch (err) {
      error = `cold start sample ${i + 1} of ${options.samples}: ${(err as Error).message}`;
      break;
    }
  }
  if (samples.length === 0) throw new Error(error ?? 'cold start: no samples requested');
  const cold = figures(samples);
  const reload = figures(samples.map((s) => s.reload));
  const result: ColdStartResult = {
    ...cold.medians,
    samples: samples.length,
    spread: cold.spread,
    processMs: median(samples.map((s) => s.processMs)),
    importMs: median(samples.map((s) => s.importMs)),
    readyMs: median(samples.map((s) => s.readyMs)),
    reload: reload.medians,
    includes: 'builtin' in runtime ? (LOAD_INCLUDES[runtime.builtin] ?? 'whatever the adapter’s load() does') : 'whatever the external adapter’s load() does',
    wallMs: performance.now() - started,
  };
  if (error) result.error = error;
  if (stoppedEarly) result.stoppedEarly = stoppedEarly;
  return result;
}

// ---------------------------------------------------------------------------

function ms(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '-';
  if (v < 1) return v.toFixed(3);
  if (v < 10) return v.toFixed(2);
  if (v < 100) return v.toFixed(1);
  return v.toFixed(0);
}

/** A run as bench/run.ts records it: the `coldStart` block may carry the extras, and a failure its own error. */
export type ColdStartRun = Pick<RunResult, 'runtime' | 'workload'> & {
  coldStart?: RunResult['coldStart'] & Partial<ColdStartResult>;
  coldStartError?: string;
};

/** The cold start table printed under the main summary: one row per runtime × workload, ms, medians. */
export function summarizeColdStart(runs: readonly ColdStartRun[]): string {
  const measured = runs.filter((r) => r.coldStart || r.coldStartError);
  if (measured.length === 0) return '';
  const rows = [['cold start, ms (median)', 'import', 'ready', 'load', 'instantiate', 'first call', 'total', 'total min–max', 'reload total', 'n']];
  const problems: string[] = [];
  for (const r of measured) {
    const c = r.coldStart;
    const label = `${r.runtime} × ${r.workload}`;
    if (!c) {
      rows.push([label, ...Array(9).fill('-')]);
    } else {
      const total = c.totalMs ?? c.loadMs + c.instantiateMs + c.firstCallMs;
      const range = c.spread ? `${ms(c.spread.totalMs.min)}–${ms(c.spread.totalMs.max)}` : '-';
      rows.push([label, ms(c.importMs), ms(c.readyMs), ms(c.loadMs), ms(c.instantiateMs), ms(c.firstCallMs), ms(total), range, ms(c.reload?.totalMs), String(c.samples ?? '-')]);
    }
    const err = r.coldStartError ?? c?.error;
    if (err) problems.push(`  ${label}: ${err}`);
    if (c?.stoppedEarly) problems.push(`  ${label}: stopped at ${c.stoppedEarly}`);
  }
  const lines = [
    textTable(rows),
    'Each sample is a fresh child process. total = load + instantiate + first call (a deploy or hot reload); import = the adapter ' +
      'and engine modules, ready = runtime.info() (remote: starting the service process), both paid once per process; ' +
      'reload = the same cycle again in the same process.',
  ];
  if (problems.length) lines.push('Cold start notes:', ...problems);
  return lines.join('\n');
}
