// Memory per instance (DESIGN §4): what one more instance of a filter costs.
//
// One fresh child process per runtime × workload (bench/child.ts, node
// --expose-gc) loads the filter, forces GC and takes a baseline snapshot, then
// adds instances of one deployment — each handles one corpus request, so
// lazily allocated state is counted — up to each instance count N in turn
// (e.g. 1, 10, 100, 1000), forcing GC and taking a snapshot at every count.
// Growth = snapshot − baseline within that process. The figure per instance
// is the slope of growth between the two largest counts (see slopes()), not
// growth / N: whatever is paid once (code compiled on first use, a heap grown
// in large steps) lands in the intercept, `fixedBytes`.
//
// The counts are checkpoints in one process rather than one process per count
// (as until 2026-11): the slope between two checkpoints shares its baseline,
// so it no longer carries the few MB of noise between two processes' baselines,
// and the child's fixed cost (node + tsx start, imports, waiting for memory to
// settle: 1.5–4 s) is paid once per pair instead of once per count. The child
// prints each checkpoint as it reaches it, so a child killed at a large count
// still leaves the smaller ones.
//
// Measured, per process: RSS, V8 heap used, V8 external memory (Node counts
// array buffers inside it; `arrayBuffers` is also given alone), and what the
// engine reports (FilterInstance.memoryBytes(), summed: ENGINE_MEASURE says
// what that is per runtime). The remote runtime's filters live in the
// service process: its RSS growth, read from /proc/<pid>/status, is the
// `engine` figure (and `serviceRss`); the gateway-side figures are the client's.
//
// Before its baseline the child makes, uses and drops one instance (one-off
// costs out of the figures) and waits for its resident set to settle (tsx's
// loader thread gives memory back a second or so after its last import); it
// runs with --no-flush-bytecode so the forced GCs do not shrink the heap.
// What is left is noise of a few MB in RSS between processes: small counts
// (1, 10) mostly show that noise, so RSS per instance is only meaningful over
// a span of instances that grows RSS well beyond it (100 → 1000).
//
// Larger counts are skipped, with the reason recorded, when the smaller ones
// predict they would exceed the memory budget or the child's timeout (the
// child decides, with overBudget() below, before adding instances).

import os from 'node:os';
import { performance } from 'node:perf_hooks';
import type { RunResult } from '../reports/schema.ts';
import type { MemoryPartial, MemorySnapshot, MemoryStep, RuntimeSpec } from './child.ts';
import { runChild } from './child-process.ts';
import { textTable } from './stats-small.ts';

export type { RuntimeSpec } from './child.ts';

/** What `engine` is, per built-in runtime (absent: the runtime reports nothing). */
export const ENGINE_MEASURE: Record<string, string> = {
  lua: 'collectgarbage("count") of the instance\'s lua_State: what Lua\'s allocator handed out',
  quickjs: "QuickJS's memory_used_size for the instance's runtime (computeMemoryUsage)",
  wasm: "the instance's linear memory size (its WebAssembly.Memory's byteLength)",
  'wasm-jco': "the instance's linear memory size (its WebAssembly.Memory's byteLength)",
  'wasm-jco-hoisted-debug': "the instance's linear memory size (its WebAssembly.Memory's byteLength)",
  remote:
    "the filter service process's RSS growth (/proc/<pid>/status VmRSS; no GC is forced there, so it includes garbage " +
    'the service has not collected); unmeasured with --remote-url',
};

/**
 * --expose-gc: the child forces full GCs before each snapshot. --no-flush-bytecode:
 * V8 otherwise drops the bytecode of functions unused for a few GCs, so the
 * forced GCs themselves would shrink the heap between the snapshots.
 */
export const MEMORY_NODE_FLAGS = ['--expose-gc', '--no-flush-bytecode'];

export interface MemoryOptions {
  /** Instance counts, checkpoints in one child process (bench/profiles.ts). */
  counts: number[];
  /** The child process (all counts): no result within this many ms kills it and records a timeout. */
  timeoutMs: number;
  /** A count predicted to need more than this is skipped. Default: the smaller of 4 GiB and half the free memory. */
  budgetBytes?: number;
  /**
   * Wall time the measurement should stay within, ms: a count predicted to
   * take the child past it is skipped, with the reason (a bound on the run's
   * length on a slow or busy machine; the smaller counts still give a slope).
   */
  timeBudgetMs?: number;
  /** Longest wait for the child's memory to settle before its baseline (see bench/child.ts), ms. Default 2500. */
  baselineWaitMs?: number;
}

export interface MemoryFigures {
  rss: number;
  heap: number;
  external: number;
  engine?: number;
  arrayBuffers: number;
  /** The remote service process's RSS. */
  serviceRss?: number;
}

export interface MemoryCount extends MemoryFigures {
  /** Instances alive; the figures are growth over the child's own baseline, bytes (not per instance). */
  instances: number;
  /** Mean ms per instance added since the previous count: instantiate plus its one request. */
  perInstanceMs: number;
  /** The child process's time since it started, at this count, ms. */
  wallMs: number;
  /** Of which waiting for memory to settle before the baseline, ms (the same for every count of a child). */
  settleMs: number;
}

/** DESIGN §6 `memory` (instances, bytesPerInstance), plus the extras below. */
export interface MemoryResult {
  /** The largest instance count measured. */
  instances: number;
  /** Slope of growth between the two largest counts, bytes per instance (rounded; noise can make a small one negative). */
  bytesPerInstance: MemoryFigures;
  /** Intercept of the same fit: paid once, whatever the count. */
  fixedBytes: MemoryFigures;
  byCount: MemoryCount[];
  /** Counts not measured, and why. */
  skipped?: Array<{ instances: number; reason: string }>;
  /** What `engine` is for this runtime, when present. */
  engineMeasure?: string;
  /** Wall time of the whole measurement, all children included, ms. */
  wallMs: number;
  /** Set when a count failed after others succeeded: the figures are of the counts before it. */
  error?: string;
}

type Key = keyof MemoryFigures;

/** Growth between two snapshots of one process; `engine` is the instances' own figure, summed. */
export function growthOf(before: MemorySnapshot, after: MemorySnapshot, engine: number | undefined): MemoryFigures {
  const d = (f: (s: MemorySnapshot) => number) => f(after) - f(before);
  const g: MemoryFigures = {
    rss: d((s) => s.rss),
    heap: d((s) => s.heapUsed),
    external: d((s) => s.external),
    arrayBuffers: d((s) => s.arrayBuffers),
  };
  if (engine !== undefined) g.engine = engine;
  if (before.serviceRss !== undefined && after.serviceRss !== undefined) {
    g.serviceRss = after.serviceRss - before.serviceRss;
    if (g.engine === undefined) g.engine = g.serviceRss;
  }
  return g;
}

function defaultBudget(): number {
  return Math.min(4 * 2 ** 30, os.freemem() / 2);
}

const KEYS: Key[] = ['rss', 'heap', 'external', 'arrayBuffers', 'engine', 'serviceRss'];

/**
 * Bytes per instance: the slope of growth between the two largest counts
 * measured (one count: growth / count). Not a least-squares fit over all
 * counts: the small counts' figures are mostly noise of a few MB (pages the
 * process gives back or takes at its own pace), and with counts like 1, 10,
 * 100 the count of 1 would pull a fitted line as hard as the others.
 */
export function slopes(byCount: readonly MemoryCount[]): { bytesPerInstance: MemoryFigures; fixedBytes: MemoryFigures } {
  const bytesPerInstance = {} as MemoryFigures;
  const fixedBytes = {} as MemoryFigures;
  const sorted = [...byCount].sort((a, b) => a.instances - b.instances);
  const hi = sorted[sorted.length - 1];
  const lo = sorted.length > 1 ? sorted[sorted.length - 2] : undefined;
  if (!hi) return { bytesPerInstance, fixedBytes };
  for (const key of KEYS) {
    const y1 = hi[key];
    if (y1 === undefined) continue;
    const y0 = lo ? lo[key] : 0;
    if (y0 === undefined) continue;
    const x0 = lo ? lo.instances : 0;
    const slope = (y1 - y0) / (hi.instances - x0);
    bytesPerInstance[key] = Math.round(slope);
    fixedBytes[key] = lo ? Math.round(y0 - slope * x0) : 0;
  }
  return { bytesPerInstance, fixedBytes };
}

/**
 * Why `count` should not be tried, judging by the largest count measured so
 * far (`wallMs`: the child's time so far); undefined when it fits.
 */
export function overBudget(
  done: Pick<MemoryCount, 'instances' | 'rss' | 'heap' | 'external' | 'engine' | 'serviceRss' | 'perInstanceMs' | 'wallMs'>,
  count: number,
  timeoutMs: number,
  budgetBytes: number,
  timeBudgetMs?: number,
): string | undefined {
  // Growth / N over-estimates the slope (it includes the fixed part): safe for a budget.
  const perInstance = Math.max(0, done.rss, done.engine ?? 0, done.serviceRss ?? 0, done.heap + done.external) / done.instances;
  const bytes = perInstance * count;
  if (bytes > budgetBytes) {
    return `estimated ${mib(bytes)} for ${count} instances (${kib(perInstance)} each at ${done.instances}) exceeds the budget of ${mib(budgetBytes)}`;
  }
  const fixedMs = Math.max(0, done.wallMs - done.perInstanceMs * done.instances);
  const ms = fixedMs + done.perInstanceMs * count * 1.5;
  if (ms > timeoutMs * 0.8) {
    return `estimated ${(ms / 1000).toFixed(1)} s for ${count} instances (${done.perInstanceMs.toFixed(2)} ms each at ${done.instances}) does not fit the ${(timeoutMs / 1000).toFixed(0)} s timeout`;
  }
  // Within the time budget: the instances still to add, at the pace so far, after what the child has spent.
  const untilMs = done.wallMs + Math.max(0, count - done.instances) * done.perInstanceMs * 1.2;
  if (timeBudgetMs !== undefined && untilMs > timeBudgetMs) {
    return `estimated ${(untilMs / 1000).toFixed(1)} s to reach ${count} instances (${done.perInstanceMs.toFixed(2)} ms each at ${done.instances}) exceeds the time budget of ${(timeBudgetMs / 1000).toFixed(0)} s`;
  }
  return undefined;
}

/**
 * Measures memory per instance of `workload` on `runtime` in one fresh child
 * process, the counts as checkpoints, smallest first. A failure (timeout,
 * crash, error) ends the measurement: with no count before it the promise
 * rejects with a message saying what happened; otherwise the earlier counts
 * are reported with `error` set.
 */
export async function measureMemory(runtime: RuntimeSpec, workload: string, options: MemoryOptions): Promise<MemoryResult> {
  const started = performance.now();
  const budget = options.budgetBytes ?? defaultBudget();
  const counts = [...new Set(options.counts)].sort((a, b) => a - b);
  const bad = counts.filter((c) => !Number.isInteger(c) || c < 1);
  if (bad.length) throw new Error(`memory: instance counts must be positive integers, got ${bad.join(', ')}`);
  if (counts.length === 0) throw new Error('memory: no instance counts requested');
  const byCount: MemoryCount[] = [];
  const toCount = (before: MemorySnapshot, step: MemoryStep, waitedMs: number): MemoryCount => ({
    instances: step.count,
    ...growthOf(before, step.after, step.engine),
    perInstanceMs: step.perInstanceMs,
    wallMs: step.elapsedMs,
    settleMs: waitedMs,
  });
  let skipped: Array<{ instances: number; reason: string }> = [];
  let error: string | undefined;
  try {
    const { answer } = await runChild(
      {
        mode: 'memory',
        runtime,
        workload,
        counts,
        baselineWaitMs: options.baselineWaitMs,
        budgetBytes: budget,
        timeoutMs: options.timeoutMs,
        timeBudgetMs: options.timeBudgetMs,
      },
      {
        timeoutMs: options.timeoutMs,
        nodeFlags: MEMORY_NODE_FLAGS,
        onPartial: (line) => {
          const p = line as unknown as MemoryPartial;
          if (p.step && p.before) byCount.push(toCount(p.before, p.step, p.waitedMs));
        },
      },
    );
    byCount.length = 0;
    for (const step of answer.steps) byCount.push(toCount(answer.before, step, answer.waitedMs));
    skipped = answer.skipped;
  } catch (err) {
    const next = counts.find((c) => !byCount.some((b) => b.instances === c)) ?? counts[counts.length - 1]!;
    error = `memory with ${next} instances: ${(err as Error).message}`;
    for (const c of counts.filter((c) => c > next)) skipped.push({ instances: c, reason: `not tried: ${next} instances failed` });
  }
  if (byCount.length === 0) throw new Error(error ?? (skipped[0] ? `memory: ${skipped[0].reason}` : 'memory: no instance counts measured'));

  const { bytesPerInstance, fixedBytes } = slopes(byCount);
  const result: MemoryResult = {
    instances: byCount[byCount.length - 1]!.instances,
    bytesPerInstance,
    fixedBytes,
    byCount,
    wallMs: performance.now() - started,
  };
  if (skipped.length) result.skipped = skipped;
  const measure = 'builtin' in runtime ? ENGINE_MEASURE[runtime.builtin] : undefined;
  if (bytesPerInstance.engine !== undefined) result.engineMeasure = measure ?? 'FilterInstance.memoryBytes() of the external adapter';
  if (error) result.error = error;
  return result;
}

// ---------------------------------------------------------------------------

function kib(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes)) return '-';
  const k = bytes / 1024;
  if (Math.abs(k) < 10) return `${k.toFixed(2)} KiB`;
  if (Math.abs(k) < 1000) return `${k.toFixed(1)} KiB`;
  return `${(k / 1024).toFixed(1)} MiB`;
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MiB`;
}

/** A run as bench/run.ts records it: the `memory` block may carry the extras, and a failure its own error. */
export type MemoryRun = Pick<RunResult, 'runtime' | 'workload'> & {
  memory?: RunResult['memory'] & Partial<Omit<MemoryResult, 'instances' | 'bytesPerInstance'>>;
  memoryError?: string;
};

/** The memory table printed under the main summary: one row per runtime × workload, per-instance slopes. */
export function summarizeMemory(runs: readonly MemoryRun[]): string {
  const measured = runs.filter((r) => r.memory || r.memoryError);
  if (measured.length === 0) return '';
  const rows = [['memory per instance', 'rss', 'heap', 'external', 'engine', 'counts', 'ms/instance']];
  const problems: string[] = [];
  const notes = new Map<string, string>();
  for (const r of measured) {
    const m = r.memory;
    const label = `${r.runtime} × ${r.workload}`;
    if (!m) {
      rows.push([label, '-', '-', '-', '-', '-', '-']);
    } else {
      const b = m.bytesPerInstance;
      const counts = m.byCount ? m.byCount.map((c) => c.instances).join(',') : String(m.instances);
      const last = m.byCount?.[m.byCount.length - 1];
      rows.push([label, kib(b.rss), kib(b.heap), kib(b.external), kib(b.engine), counts, last ? last.perInstanceMs.toFixed(2) : '-']);
      if (m.engineMeasure) notes.set(r.runtime, m.engineMeasure);
      for (const s of m.skipped ?? []) problems.push(`  ${label}: ${s.instances} instances skipped: ${s.reason}`);
    }
    const err = r.memoryError ?? m?.error;
    if (err) problems.push(`  ${label}: ${err}`);
  }
  const lines = [
    textTable(rows),
    'Growth per extra instance: slope between the two largest counts, all counts as checkpoints in one fresh process per pair, after forced GCs; ' +
      'each instance handled one request. external includes array buffers (and wasm memories).',
    ...[...notes].map(([rt, what]) => `  engine, ${rt}: ${what}`),
  ];
  if (problems.length) lines.push('Memory notes:', ...problems);
  return lines.join('\n');
}
