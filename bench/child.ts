// The child-process side of cold start and memory (bench/coldstart.ts,
// bench/memory.ts): one measurement in a fresh Node process, so nothing the
// parent already loaded, compiled or allocated is in the figures.
//
//   node [--expose-gc] --import tsx bench/child.ts '<ChildRequest as JSON>'
//
// It prints exactly one result line (JSON tagged with CHILD_TAG) on stdout and
// exits; errors are a result line with `ok: false`. It exits as soon as its
// stdin closes, so it does not outlive a parent that dies (the parent keeps
// stdin open as a pipe). Only node: modules are imported statically: the
// `processMs` figure is the time until this module body runs, and every other
// import is timed where it happens.

import { performance } from 'node:perf_hooks';
import { readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** How a child recreates a runtime: a built-in by name (and the remote URL, if any), or an external adapter by path. */
export type RuntimeSpec = { builtin: string; remoteUrl?: string } | { external: string };

export type ChildRequest =
  | { mode: 'coldstart'; runtime: RuntimeSpec; workload: string }
  | { mode: 'memory'; runtime: RuntimeSpec; workload: string; count: number; baselineWaitMs?: number };

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

export interface MemorySample {
  count: number;
  /** After load, before any instance; after a forced GC. */
  before: MemorySnapshot;
  /** With `count` instances alive, each having handled one request; after a forced GC. */
  after: MemorySnapshot;
  /** Sum of FilterInstance.memoryBytes() over the instances, when the runtime reports it. */
  engine?: number;
  /** Mean ms per instance: instantiate plus its one request. */
  perInstanceMs: number;
  /** How long the child waited for its memory to settle before the baseline, ms. */
  waitedMs: number;
  /** pid of the remote service whose RSS was read. */
  servicePid?: number;
}

export type ChildAnswer =
  | ({ ok: true; mode: 'coldstart' } & ColdStartSample)
  | ({ ok: true; mode: 'memory' } & MemorySample)
  | { ok: false; error: string };

/** Marks the result line, so stray output on stdout (from a filter or an engine) cannot be mistaken for it. */
export const CHILD_TAG = 'plugbench-child@1';

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
  const items = prepareCorpus(workload);
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

    // memory: `count` instances of one deployment, each having handled one request.
    const count = request.count;
    if (!Number.isInteger(count) || count < 1) throw new Error(`instance count must be a positive integer, got ${count}`);
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
    const instances = [];
    t = performance.now();
    for (let i = 0; i < count; i++) {
      const item = items[i % items.length]!;
      if (item.nowMs !== undefined) clock.now = item.nowMs;
      const instance = await loaded.instantiate(workload.config, deployment.host);
      instances.push(instance);
      await instance.handle(ctx.reset(item.prepared));
    }
    const perInstanceMs = (performance.now() - t) / count;
    const after = await snapshot(servicePid);
    let engine: number | undefined;
    if (instances.every((i) => typeof i.memoryBytes === 'function')) {
      engine = instances.reduce((sum, i) => sum + i.memoryBytes!(), 0);
    }
    const sample: MemorySample = { count, before, after, perInstanceMs, waitedMs };
    if (engine !== undefined) sample.engine = engine;
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
