// How long things are measured. `quick` is sized for CI; `default` for
// numbers worth publishing. Wall-time targets on 2 cores, from process start
// (issue 5): default ≤ 5 min, quick ≤ 2 min, for all runtimes × all workloads
// with HTTP load. Before these sizes the default took 11–12 min, quick 3 min;
// with them 4 min 08 s and 1 min 33 s on a 2-core EPYC shared with other work
// (load average ≈ 2): default ≈ 60 s micro, 45 s cold start, 41 s memory,
// 99 s load; quick ≈ 29 s micro, 12 s cold start, 10 s memory, 38 s load.
//
// Where the time goes and why each figure is what it is:
//
// - micro (35 pairs): tinybench in process, batches of ~50 µs (bench/micro.ts).
//   750 ms after 200 ms of warm-up is ~15 000 batch samples for a fast call;
//   the margin of error (printed as ±rme) stays around or under 1 % for all
//   but the slowest and noisiest pairs, and 2 s did not change a ranking or a
//   ratio beyond it. Calls slower than timeMs / MIN_SAMPLES (QuickJS or Lua on
//   a 1 MiB body) get MIN_SAMPLES samples whatever the budget; their rme says
//   what that is worth.
// - microBySize (json-transform, redact: 3 classes each): the per-KB cost. A
//   class is homogeneous (one size, similar bodies), so a shorter budget than
//   the mixed corpus still gives a small rme (printed beside each figure).
// - footprint: cold start needs a fresh process per sample (node + tsx start
//   ≈ 0.3–0.5 s, then the runtime's own import, which is a figure); memory
//   takes all its counts in one child (bench/memory.ts). Their figures depend
//   on the engine more than on the filter, so they run for the boundary (noop)
//   and the largest filter (jwt-auth: crypto, base64, JSON);
//   `--footprint-workloads` picks others (e.g. all). Cold start takes 5
//   samples where they fit in its time budget per pair and never fewer than
//   3 (median and spread; `n` in the table says how many); memory skips a
//   count the smaller ones predict past its time budget, with the reason.
//   The budgets bound the run on a busy machine; on a quiet 2-core one only
//   the slowest runtimes (wasm: jco transpiles at load; remote: starts its
//   service) stop at 3–4 cold-start samples.
// - load (bare ceiling + 5 runtimes per workload = 42 rows): closed loop,
//   0.5 s of warm-up (JIT, pools, connections) then 1.5 s measured: at 16
//   connections that is 10^4 requests per row for the in-process runtimes
//   on the small workloads and hundreds for the slowest payload rows, enough
//   for p50/p99. Row-to-row noise comes from whatever else runs on the 2
//   cores: on a shared machine (load average ≈ 2) native/bare on noop read
//   0.62–1.01 over three 1 s rows and 0.84–1.03 over three 2 s rows, hence
//   1.5 s rather than 1 s. Each row is ~2.2 s of wall with its gateway's start.

import type { ColdStartOptions } from './coldstart.ts';
import type { LoadOptions } from './load.ts';
import type { MemoryOptions } from './memory.ts';
import type { MicroOptions } from './micro.ts';

export interface Profile {
  name: 'quick' | 'default';
  micro: MicroOptions;
  /** Per body size class of payload workloads (default: half of `micro`). */
  microBySize?: MicroOptions;
  /** HTTP load per runtime × workload (and per workload for the bare ceiling). */
  load?: LoadOptions;
  /**
   * Cold start and memory per instance run in fresh child processes (seconds
   * per pair), so they cover a few workloads, not all: the boundary (noop) and
   * realistic ones. Their figures barely depend on the filter's work.
   */
  footprint?: { workloads: string[]; coldStart: ColdStartOptions; memory: MemoryOptions };
}

export const PROFILES: Record<Profile['name'], Profile> = {
  quick: {
    name: 'quick',
    micro: { timeMs: 250, warmupMs: 100, asyncWarmupMs: 500 },
    // 5 samples for a 250 ms call (QuickJS, 1 MiB) instead of 10: a CI smoke figure, its rme shown.
    microBySize: { timeMs: 100, warmupMs: 50, minSamples: 5 },
    // Every pair still goes through the gateway (errors, unexpected statuses); 0.5 s rows are for that, not for
    // publishing: on a shared 2-core machine their ×bare ratios moved by ±30 % between runs.
    load: { durationS: 0.5, warmupS: 0.25, connections: 4 },
    footprint: {
      workloads: ['noop'],
      coldStart: { samples: 3, timeoutMs: 30_000 },
      memory: { counts: [10, 200], timeoutMs: 60_000, timeBudgetMs: 8_000 },
    },
  },
  default: {
    name: 'default',
    // The remote runtime's service process needs wall time to warm up (micro.ts, asyncWarmupMs): +9 s in all.
    micro: { timeMs: 750, warmupMs: 200, asyncWarmupMs: 1500 },
    microBySize: { timeMs: 300, warmupMs: 100 },
    load: { durationS: 1.5, warmupS: 0.5, connections: 16 },
    footprint: {
      workloads: ['noop', 'jwt-auth'],
      coldStart: { samples: 5, minSamples: 3, timeBudgetMs: 8_000, timeoutMs: 30_000 },
      memory: { counts: [1, 10, 100, 1000], timeoutMs: 120_000, timeBudgetMs: 10_000 },
    },
  },
};

/**
 * The profile a command line asks for: quick or default, with the footprint
 * workloads replaced when --footprint-workloads is given ('all': every
 * selected workload, [] / 'none': no cold start or memory).
 */
export function profileFor(options: { quick: boolean; footprintWorkloads?: string[] | 'all' }, workloads: readonly string[]): Profile {
  const base = PROFILES[options.quick ? 'quick' : 'default'];
  const pick = options.footprintWorkloads;
  if (pick === undefined || !base.footprint) return base;
  const unknown = pick === 'all' ? [] : pick.filter((w) => !workloads.includes(w));
  if (unknown.length) throw new Error(`--footprint-workloads: ${unknown.join(', ')} not among the selected workloads (${workloads.join(', ')})`);
  return { ...base, footprint: { ...base.footprint, workloads: pick === 'all' ? [...workloads] : [...pick] } };
}
