// The child-process side of cold start and memory (bench/coldstart.ts,
// bench/memory.ts): one measurement in a fresh Node process, so nothing the
// parent already loaded, compiled or allocated is in the figures.
//
//   node [--expose-gc] --import tsx bench/child.ts '<ChildRequest as JSON>'
//
// It prints exactly one result line (JSON tagged with CHILD_TAG) on stdout and
// exits; errors are a result line with `ok: false`. The memory mode also
// prints a progress line (tagged CHILD_PARTIAL_TAG) at each instance count it
// reaches. It exits as soon as its stdin closes, so it does not outlive a
// parent that dies (the parent keeps stdin open as a pipe). Only node: modules
// are imported statically (and types, which are erased): the `processMs`
// figure is the time until this module body runs, and every other import is
// timed where it happens.

import { performance } from 'node:perf_hooks';
import { readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FilterInstance } from '../runtimes/abi/types.ts';

/** How a child recreates a runtime: a built-in by name (and the remote URL, if any), or an external adapter by path. */
export type RuntimeSpec = { builtin: string; remoteUrl?: string } | { external: string };

export type ChildRequest =
  | { mode: 'coldstart'; runtime: RuntimeSpec; workload: string }
  | {
      mode: 'memory';
      runtime: RuntimeSpec;
      workload: string;
      /** Instance counts, measured cumulatively in this one process (smallest first). */
      counts: number[];
      baselineWaitMs?: number;
      /** A count predicted to need more memory than this is skipped (see bench/memory.ts overBudget). */
      budgetBytes: number;
      /** The parent's timeout for this child: a count predicted not to fit it is skipped. */
      timeoutMs: number;
      /** A count predicted to take the child past this many ms is skipped. */
      timeBudgetMs?: number;
    };

/** One load → instantiate → first call, each timed on its own, ms. */
export interface ColdCycle {
  loadMs: number;
  instantiateMs: number;
  firstCallMs: number;
}

export interface ColdStartSample extends ColdCycle {
  /** Node start until this module's body ran (node boot, tsx loader): not part of any figure. */
  processMs: number;
  /** Importing the harness modules the child needs (workloads, verification): not part of any figure. */
  harnessMs: number;
  /** Importing the adapter module (and with it the engine's JS package): the runtime's own one-off cost. */
  importMs: number;
  /** runtime.info(): for the remote runtime this starts the service process and connects to it. */
  readyMs: number;
  /** The same cycle again in the same process: a hot reload in a running gateway (engine already up). */
  reload: ColdCycle;
}

export interface MemorySnapshot {
  rss: number;
  heapUsed: number;
  /** V8's external memory; Node counts arrayBuffers inside it. */
  external: number;
  arrayBuffers: number;
  /** The remote service process's resident set (/proc/<pid>/status VmRSS), when it is a local child. */
  serviceRss?: number;
}

/** One checkpoint of a memory measurement: `count` instances alive. */
export interface MemoryStep {
  count: number;
  /** With `count` instances alive, each having handled one request; after a forced GC. */
  after: MemorySnapshot;
  /** Sum of FilterInstance.memoryBytes() over the instances, when the runtime reports it. */
  engine?: number;
  /** Mean ms per instance added since the previous checkpoint: instantiate plus its one request. */
  perInstanceMs: number;
  /** The child's time since it started, at this checkpoint, ms. */
  elapsedMs: number;
}

export interface MemorySample {
  /** After load, before any instance; after a forced GC. */
  before: MemorySnapshot;
  /** One per count measured, in increasing order. */
  steps: MemoryStep[];
  /** Counts not tried, and why (predicted over the memory budget or the timeout). */
  skipped: Array<{ instances: number; reason: string }>;
  /** How long the child waited for its memory to settle before the baseline, ms. */
  waitedMs: number;
  /** pid of the remote service whose RSS was read. */
  servicePid?: number;
}

/** A line the memory child prints after each checkpoint, so a child that dies later still leaves its earlier counts. */
export interface MemoryPartial {
  before: MemorySnapshot;
  step: MemoryStep;
  waitedMs: number;
}

export type ChildAnswer =
  | ({ ok: true; mode: 'coldstart' } & ColdStartSample)
  | ({ ok: true; mode: 'memory' } & MemorySample)
  | { ok: false; error: string };

/** Marks the result line, so stray output on stdout (from a filter or an engine) cannot be mistaken for it. */
export const CHILD_TAG = 'plugbench-child@1';
/** Marks a progress line (MemoryPartial): never taken for the result. */
export const CHILD_PARTIAL_TAG = 'plugbench-child-partial@1';

export const CHILD_PATH = fileURLToPath(import.meta.url);

const processMs = performance.now();

function emit(answer: ChildAnswer, code: number): void {
  const line = JSON.stringify({ [CHILD_TAG]: true, ...answer }) + '\n';
  process.stdout.write(line, () => process.exit(code));
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function getRuntime(spec: RuntimeSpec) {
  const { builtinRuntime, isBuiltin, loadExternalRuntime } = await import('../runtimes/index.ts');
  if ('external' in spec) return loadExternalRuntime(spec.external);
  if (!isBuiltin(spec.builtin)) throw new Error(`unknown runtime '${spec.builtin}'`);
  return builtinRuntime(spec.builtin, { remoteUrl: spec.remoteUrl });
}

/** Resident set of another process, from /proc (Linux); undefined where unreadable. */
export function procRss(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Full GCs with pauses between, so finalizers run and freed pages go back before a snapshot. */
async function settle(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('memory measurement needs node --expose-gc');
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Before the baseline: tsx's loader runs on its own thread, and about a second
 * after its last import that thread gives back a few MB (measured 2-4 MB on
 * Node 20) that no GC of ours reaches. Waiting for that drop (or BASELINE_WAIT_MS)
 * keeps it out of the growth figures.
 */
export const BASELINE_WAIT_MS = 2500;
const DROP_BYTES = 512 * 1024;

async function quiesce(maxMs: number): Promise<number> {
  await settle();
  const start = performance.now();
  let prev = process.memoryUsage.rss();
  let dropped = false;
  while (performance.now() - start < maxMs) {
    await new Promise((r) => setTimeout(r, 100));
    (globalThis as { gc?: () => void }).gc?.();
    const now = process.memoryUsage.rss();
    if (prev - now > DROP_BYTES) dropped = true;
    else if (dropped) break;
    prev = now;
  }
  return performance.now() - start;
}

async function snapshot(servicePid: number | undefined): Promise<MemorySnapshot> {
  await settle();
  const m = process.memoryUsage();
  const snap: MemorySnapshot = { rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
  if (servicePid !== undefined) snap.serviceRss = procRss(servicePid);
  return snap;
}

async function run(request: ChildRequest): Promise<ChildAnswer> {
  let t = performance.now();
  const { prepareCorpus, newContext, firstDifference } = await import('./verify.ts');
  const { loadWorkload } = await import('../workloads/index.ts');
  const { Deployment, ManualClock } = await import('../runtimes/abi/host.ts');
  const workload = await loadWorkload(request.workload);
  // Cold start only calls with the first request: its expected outcome is all
  // it needs (the whole corpus's, e.g. jwt-auth's signatures, cost ~0.1 s).
  const items = request.mode === 'coldstart' ? prepareCorpus(workload, 1) : prepareCorpus(workload);
  if (items.length === 0) throw new Error(`workload ${workload.name} has an empty corpus`);
  const harnessMs = performance.now() - t;

  t = performance.now();
  const runtime = await getRuntime(request.runtime);
  const importMs = performance.now() - t;
  const file = join(workload.dir, runtime.source);
  if (!existsSync(file)) throw new Error(`no ${runtime.source} for this workload (${file})`);

  try {
    t = performance.now();
    await runtime.info();
    const readyMs = performance.now() - t;

    if (request.mode === 'coldstart') {
      const first = items[0]!;
      const cycle = async (): Promise<ColdCycle> => {
        const clock = new ManualClock();
        if (first.nowMs !== undefined) clock.now = first.nowMs;
        const deployment = new Deployment({ clock });
        let t0 = performance.now();
        const loaded = await runtime.load(file);
        const loadMs = performance.now() - t0;
        t0 = performance.now();
        const instance = await loaded.instantiate(workload.config, deployment.host);
        const instantiateMs = performance.now() - t0;
        const ctx = newContext(workload).reset(first.prepared);
        t0 = performance.now();
        const answer = instance.handle(ctx);
        const result = typeof answer === 'string' ? answer : await answer;
        const firstCallMs = performance.now() - t0;
        // A first call that does not do the work is no figure at all.
        const diff = firstDifference(first.expected, ctx.outcome(result));
        await instance.dispose();
        if (diff) throw new Error(`the first call's outcome differs from the reference: request #0 (${first.label}): ${diff}`);
        return { loadMs, instantiateMs, firstCallMs };
      };
      const cold = await cycle();
      const reload = await cycle();
      return { ok: true, mode: 'coldstart', processMs, harnessMs, importMs, readyMs, ...cold, reload };
    }

    // memory: instances of one deployment, each having handled one request,
    // added up to each count in turn (one process, one baseline: the counts are
    // checkpoints, so the slope between the two largest is free of the
    // few-MB noise between processes).
    const counts = [...new Set(request.counts)].sort((a, b) => a - b);
    if (counts.length === 0 || counts.some((c) => !Number.isInteger(c) || c < 1)) {
      throw new Error(`instance counts must be positive integers, got ${request.counts.join(', ')}`);
    }
    const { growthOf, overBudget } = await import('./memory.ts');
    const clock = new ManualClock();
    const deployment = new Deployment({ clock, keepLogs: 0 });
    const loaded = await runtime.load(file);
    const service = (runtime as { service?: () => Promise<{ pid?: number }> }).service;
    const servicePid = typeof service === 'function' ? (await service.call(runtime)).pid : undefined;
    const ctx = newContext(workload);
    // One instance made, used and dropped before the baseline: code compiled on
    // first use and the engine's one-off allocations are not counted as growth.
    {
      const item = items[0]!;
      if (item.nowMs !== undefined) clock.now = item.nowMs;
      const warm = await loaded.instantiate(workload.config, new Deployment({ clock, keepLogs: 0 }).host);
      await warm.handle(ctx.reset(item.prepared));
      await warm.dispose();
    }
    const waitedMs = await quiesce(request.baselineWaitMs ?? BASELINE_WAIT_MS);
    const before = await snapshot(servicePid);
    const instances: FilterInstance[] = [];
    const steps: MemoryStep[] = [];
    const skipped: Array<{ instances: number; reason: string }> = [];
    let creatingMs = 0;
    for (const count of counts) {
      const last = steps[steps.length - 1];
      if (last) {
        const done = {
          instances: last.count,
          ...growthOf(before, last.after, last.engine),
          perInstanceMs: creatingMs / last.count,
          wallMs: performance.now(),
        };
        const why = overBudget(done, count, request.timeoutMs, request.budgetBytes, request.timeBudgetMs);
        if (why) {
          skipped.push({ instances: count, reason: why });
          continue;
        }
      }
      const from = instances.length;
      t = performance.now();
      while (instances.length < count) {
        const item = items[instances.length % items.length]!;
        if (item.nowMs !== undefined) clock.now = item.nowMs;
        const instance = await loaded.instantiate(workload.config, deployment.host);
        instances.push(instance);
        await instance.handle(ctx.reset(item.prepared));
      }
      const stepMs = performance.now() - t;
      creatingMs += stepMs;
      const after = await snapshot(servicePid);
      const step: MemoryStep = { count, after, perInstanceMs: stepMs / (count - from), elapsedMs: performance.now() };
      if (instances.every((i) => typeof i.memoryBytes === 'function')) {
        step.engine = instances.reduce((sum, i) => sum + i.memoryBytes!(), 0);
      }
      steps.push(step);
      process.stdout.write(JSON.stringify({ [CHILD_PARTIAL_TAG]: true, before, step, waitedMs } satisfies MemoryPartial & Record<string, unknown>) + '\n');
    }
    const sample: MemorySample = { before, steps, skipped, waitedMs };
    if (servicePid !== undefined) sample.servicePid = servicePid;
    return { ok: true, mode: 'memory', ...sample };
  } finally {
    // The instances die with the process; a runtime holding another process (remote) stops it.
    await Promise.race([runtime.close?.().catch(() => {}), new Promise((r) => setTimeout(r, 3000).unref())]);
  }
}

function main(): void {
  // The parent holds our stdin: when it goes away, so do we.
  process.stdin.on('end', () => process.exit(130));
  process.stdin.on('error', () => process.exit(130));
  process.stdin.resume();
  process.on('uncaughtException', (err) => emit({ ok: false, error: `uncaught: ${message(err)}` }, 1));
  process.on('unhandledRejection', (err) => emit({ ok: false, error: `unhandled rejection: ${message(err)}` }, 1));
  let request: ChildRequest;
  try {
    request = JSON.parse(process.argv[2] ?? '') as ChildRequest;
  } catch {
    emit({ ok: false, error: 'usage: bench/child.ts <request as JSON>' }, 2);
    return;
  }
  run(request).then(
    (answer) => emit(answer, 0),
    (err) => emit({ ok: false, error: message(err) }, 1),
  );
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === CHILD_PATH) main();
