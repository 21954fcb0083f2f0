// One benchmark run: for every runtime × workload, load, verify against the
// reference, and only then time. Any failure is recorded in that pair's result
// and the run goes on; `onResults` sees the results after every pair, so a
// crash later loses nothing already measured.

import { join } from 'node:path';
import { existsSync } from 'node:fs';
import type { RequestContext } from '../runtimes/abi/context.ts';
import { Deployment, ManualClock } from '../runtimes/abi/host.ts';
import type { FilterInstance, LoadedFilter, Runtime } from '../runtimes/abi/types.ts';
import { describe } from '../runtimes/errors.ts';
import { RESULTS_SCHEMA, type Results, type RunResult } from '../reports/schema.ts';
import type { Workload } from '../workloads/types.ts';
import { describeEnvironment } from './environment.ts';
import type { RuntimeSpec } from './child.ts';
import { measureColdStart } from './coldstart.ts';
import { measureLoad, type LoadOptions } from './load.ts';
import { measureMemory } from './memory.ts';
import { measureMicro } from './micro.ts';
import type { Profile } from './profiles.ts';
import { newContext, prepareCorpus, verifyInstance, type PreparedItem } from './verify.ts';

export interface RuntimeEntry {
  /** The name to report if the adapter itself cannot be obtained (e.g. an external path). */
  label: string;
  get(): Promise<Runtime>;
  /** How a child process recreates this runtime (cold start, memory); without it those phases are skipped. */
  spec?: RuntimeSpec;
}

export type Phase = 'load' | 'verify' | 'time' | 'done' | 'failed';

export interface ProgressEvent {
  index: number;
  total: number;
  runtime: string;
  workload: string;
  phase: Phase;
  detail?: string;
}

export interface BenchPlan {
  profile: Profile;
  runtimes: RuntimeEntry[];
  workloads: Workload[];
  config?: Record<string, unknown>;
  /** Cold start and memory phases (default on; needs RuntimeEntry.spec). */
  footprint?: boolean;
  /** HTTP load phase (bench/load.ts) after the micro phase; skipped when absent. */
  load?: LoadOptions;
  onProgress?(event: ProgressEvent): void;
  onResults?(results: Results): void;
}

/** Load and instantiate may await a process or a socket: never wait forever. */
const STEP_TIMEOUT_MS = 60_000;

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${STEP_TIMEOUT_MS / 1000} s`)), STEP_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function instantiate(runtime: Runtime, loaded: LoadedFilter, file: string, workload: Workload, deployment: Deployment): Promise<FilterInstance> {
  return withTimeout(loaded.instantiate(workload.config, deployment.host), `${runtime.name}: instantiate of ${file}`);
}

/**
 * One call: the context reset to the next corpus request, then the filter.
 * A time-dependent corpus drives the host clock as in verification, so the
 * timed calls take the same paths the verified ones did.
 */
export function corpusCycle(
  instance: FilterInstance,
  ctx: RequestContext,
  items: readonly PreparedItem[],
  clock: ManualClock | undefined,
  mode: Workload['timingClock'],
): () => string | Promise<string> {
  let i = 0;
  const n = items.length;
  if (!clock || items.every((it) => it.nowMs === undefined)) {
    return () => instance.handle(ctx.reset(items[i++ % n]!.prepared));
  }
  const times = items.map((it) => it.nowMs ?? items[0]!.nowMs ?? 0);
  const span = mode === 'advance' ? Math.max(...times) - Math.min(...times) + 1000 : 0;
  let offset = 0;
  return () => {
    const k = i++ % n;
    if (k === 0 && i > 1) offset += span;
    clock.now = times[k]! + offset;
    return instance.handle(ctx.reset(items[k]!.prepared));
  };
}

async function runPair(
  runtime: Runtime,
  workload: Workload,
  items: readonly PreparedItem[],
  profile: Profile,
  progress: (phase: Phase, detail?: string) => void,
): Promise<RunResult> {
  const run: RunResult = { runtime: runtime.name, workload: workload.name, verified: false, corpusSize: items.length };
  const file = join(workload.dir, runtime.source);
  if (!existsSync(file)) {
    run.error = `no ${runtime.source} for this workload (${file})`;
    return run;
  }

  // Verification: a fresh deployment on a hand-set clock, so outputs are reproducible.
  // The filter is loaded (compiled) once; verification and timing instantiate it
  // separately (cold start measures loading, in fresh processes).
  progress('load');
  const loaded = await withTimeout(runtime.load(file), `${runtime.name}: load of ${file}`);
  const clock = new ManualClock();
  const verifying = await instantiate(runtime, loaded, file, workload, new Deployment({ clock }));
  progress('verify');
  try {
    const verdict = await verifyInstance(verifying, newContext(workload), items, clock);
    if (!verdict.ok) {
      run.error = verdict.error;
      return run;
    }
  } finally {
    await verifying.dispose();
  }
  run.verified = true;

  // Timing: a fresh instance on the system clock, cycling through the corpus.
  progress('time');
  const timingClock = items.some((it) => it.nowMs !== undefined) ? new ManualClock() : undefined;
  const instance = await instantiate(runtime, loaded, file, workload, new Deployment({ clock: timingClock }));
  try {
    const ctx = newContext(workload);
    run.micro = await measureMicro(corpusCycle(instance, ctx, items, timingClock, workload.timingClock), profile.micro);
    // Payload workloads: each size class alone too, on the profile's (shorter) budget for it.
    const meanBytes = (c: string) => {
      const group = items.filter((it) => it.sizeClass === c);
      return group.reduce((sum, it) => sum + it.request.body.length, 0) / group.length;
    };
    const classes = [...new Set(items.map((it) => it.sizeClass).filter((c): c is string => c !== undefined))].sort(
      (a, b) => meanBytes(a) - meanBytes(b),
    );
    if (classes.length > 0) {
      run.microBySize = {};
      const share = profile.microBySize ?? { timeMs: profile.micro.timeMs / 2, warmupMs: profile.micro.warmupMs / 2 };
      for (const sizeClass of classes) {
        progress('time', sizeClass);
        const group = items.filter((it) => it.sizeClass === sizeClass);
        const bodyBytes = Math.round(meanBytes(sizeClass));
        run.microBySize[sizeClass] = { ...(await measureMicro(corpusCycle(instance, ctx, group, timingClock, workload.timingClock), share)), bodyBytes };
      }
    }
  } finally {
    await instance.dispose();
  }
  return run;
}

export async function runBench(plan: BenchPlan): Promise<Results> {
  const environment = describeEnvironment();
  const results: Results = {
    schema: RESULTS_SCHEMA,
    environment,
    config: {
      profile: plan.profile.name,
      microTimeMs: plan.profile.micro.timeMs,
      microWarmupMs: plan.profile.micro.warmupMs,
      ...(plan.profile.micro.asyncWarmupMs ? { microAsyncWarmupMs: plan.profile.micro.asyncWarmupMs } : {}),
      ...(plan.profile.microBySize
        ? { microBySizeTimeMs: plan.profile.microBySize.timeMs, microBySizeWarmupMs: plan.profile.microBySize.warmupMs }
        : {}),
      workloads: plan.workloads.map((w) => w.name),
      ...(plan.profile.footprint && plan.footprint !== false
        ? {
            footprint: {
              workloads: plan.profile.footprint.workloads.filter((w) => plan.workloads.some((x) => x.name === w)),
              coldStart: plan.profile.footprint.coldStart,
              memory: plan.profile.footprint.memory,
            },
          }
        : {}),
      ...plan.config,
    },
    runs: [],
  };
  const corpora = new Map(plan.workloads.map((w) => [w.name, prepareCorpus(w)]));
  const total = plan.runtimes.length * plan.workloads.length;
  let index = 0;
  const opened: Runtime[] = [];

  try {
    for (const entry of plan.runtimes) {
      let runtime: Runtime | undefined;
      let failure: string | undefined;
      try {
        runtime = await entry.get();
        opened.push(runtime);
        const info = await runtime.info();
        environment.engines[runtime.name] = `${info.engine} ${info.version}`;
        if (info.notes) environment.engineNotes![runtime.name] = info.notes;
      } catch (err) {
        failure = describe(err);
      }
      for (const workload of plan.workloads) {
        index++;
        const name = runtime?.name ?? entry.label;
        const progress = (phase: Phase, detail?: string) =>
          plan.onProgress?.({ index, total, runtime: name, workload: workload.name, phase, detail });
        let run: RunResult;
        if (!runtime) {
          run = { runtime: name, workload: workload.name, verified: false, error: failure };
        } else {
          try {
            run = await runPair(runtime, workload, corpora.get(workload.name)!, plan.profile, progress);
          } catch (err) {
            run = { runtime: name, workload: workload.name, verified: false, error: describe(err) };
          }
        }
        // Cold start and memory, in fresh child processes, for verified pairs of the profile's footprint workloads.
        const footprint = plan.profile.footprint;
        if (footprint && plan.footprint !== false && entry.spec && run.verified && footprint.workloads.includes(workload.name)) {
          progress('time', 'cold start');
          try {
            run.coldStart = await measureColdStart(entry.spec, workload.name, footprint.coldStart);
          } catch (err) {
            run.coldStartError = describe(err);
          }
          progress('time', 'memory');
          try {
            run.memory = await measureMemory(entry.spec, workload.name, footprint.memory);
          } catch (err) {
            run.memoryError = describe(err);
          }
        }
        // Every error names the runtime and workload; load errors also name the file.
        if (run.error) run.error = `[${name} × ${workload.name}] ${run.error}`;
        results.runs.push(run);
        progress(run.error ? 'failed' : 'done', run.error);
        plan.onResults?.(results);
      }
    }
    // HTTP load: every verified pair through the real gateway, and the bare ceiling.
    if (plan.load) {
      await measureLoad({
        runtimes: opened,
        workloads: plan.workloads,
        results,
        options: plan.load,
        onProgress: plan.onProgress,
        onResults: plan.onResults,
      });
    }
  } finally {
    for (const runtime of opened) {
      try {
        await runtime.close?.();
      } catch {
        // Closing is best effort; the results are already recorded.
      }
    }
  }
  return results;
}
