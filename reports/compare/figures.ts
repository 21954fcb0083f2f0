// The figures of one results file as a flat list, each with the spread the
// file keeps for it. Comparison (compare.ts) and the CI tracker output
// (../tracker.ts) both read results through this, so they name and unit
// figures the same way.

import type { Results, RunResult } from '../schema.ts';

/** What the file keeps about a figure's uncertainty, which decides the test that can be run on it. */
export type FigureSpread =
  /** A mean over many samples with tinybench's rme (micro). */
  | { kind: 'mean'; rme: number; n: number; callsPerSample?: number }
  /** A median over a few runs with their min and max (cold start). */
  | { kind: 'median'; n: number; min: number; max: number; q1?: number; q3?: number }
  /** One number with no spread: why it cannot be tested. */
  | { kind: 'none'; why: string };

export interface Figure {
  runtime: string;
  workload: string;
  /** Stable name of the measure within a run, e.g. "micro mean", "micro mean 16 KiB", "cold start total", "load p99". */
  figure: string;
  unit: string;
  value: number;
  betterIs: 'lower' | 'higher';
  spread: FigureSpread;
  /** A few words of context for tracker tooltips and tables (percentiles, sample counts). */
  note?: string;
}

/** The runtime name under which the bare HTTP server (baseline.loadByWorkload) appears. */
export const BARE = 'bare server';

/** A run whose figures can stand: verified and without an error. */
export function isComparable(run: RunResult): boolean {
  return run.verified && run.error === undefined;
}

export function runKey(runtime: string, workload: string): string {
  return `${runtime} × ${workload}`;
}

export function figureKey(f: Pick<Figure, 'runtime' | 'workload' | 'figure'>): string {
  return `${runKey(f.runtime, f.workload)} · ${f.figure}`;
}

const COLD_PHASES = [
  ['totalMs', 'cold start total'],
  ['loadMs', 'cold start load'],
  ['instantiateMs', 'cold start instantiate'],
  ['firstCallMs', 'cold start first call'],
] as const;

const MEMORY_KINDS = ['rss', 'heap', 'external', 'engine'] as const;

const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3));

type MicroLike = NonNullable<RunResult['micro']>;

function microFigure(run: RunResult, figure: string, m: MicroLike): Figure {
  return {
    runtime: run.runtime,
    workload: run.workload,
    figure,
    unit: 'ns/call',
    value: m.latencyNs.mean,
    betterIs: 'lower',
    spread:
      m.samples >= 2 && Number.isFinite(m.rme)
        ? { kind: 'mean', rme: m.rme, n: m.samples, callsPerSample: m.callsPerSample }
        : { kind: 'none', why: 'single sample: no spread to test' },
    note: `p50 ${fmt(m.latencyNs.p50)} ns, p99 ${fmt(m.latencyNs.p99)} ns; ${m.samples} samples${m.callsPerSample ? ` × ${m.callsPerSample} calls` : ''}, ±${m.rme.toFixed(2)} %`,
  };
}

type LoadLike = { requestsPerSec: number; latencyMs: { p50: number; p99: number }; durationS?: number; connections?: number; requests?: number };

// One HTTP load run per pair: its within-run spread (Poisson counts,
// per-request latencies) says nothing about how much another run on the
// same machine would differ, which is what a comparison needs.
const SINGLE_LOAD_RUN = 'one load run each: run-to-run spread unknown';

function loadFigures(runtime: string, workload: string, load: LoadLike): Figure[] {
  const none: FigureSpread = { kind: 'none', why: SINGLE_LOAD_RUN };
  const note = [
    load.connections !== undefined ? `${load.connections} connections` : undefined,
    load.durationS !== undefined ? `${load.durationS} s` : undefined,
    load.requests !== undefined ? `${load.requests} requests` : undefined,
  ]
    .filter(Boolean)
    .join(', ');
  const base = { runtime, workload, spread: none, ...(note ? { note } : {}) };
  return [
    { ...base, figure: 'load req/s', unit: 'req/s', value: load.requestsPerSec, betterIs: 'higher' },
    { ...base, figure: 'load p50', unit: 'ms', value: load.latencyMs.p50, betterIs: 'lower' },
    { ...base, figure: 'load p99', unit: 'ms', value: load.latencyMs.p99, betterIs: 'lower' },
  ];
}

/** Figures of the comparable runs, plus the bare server's load per workload. Skips non-finite numbers. */
export function extractFigures(results: Results): Figure[] {
  const out: Figure[] = [];
  for (const run of results.runs) {
    if (!isComparable(run)) continue;
    if (run.micro) out.push(microFigure(run, 'micro mean', run.micro));
    for (const [size, m] of Object.entries(run.microBySize ?? {})) out.push(microFigure(run, `micro mean ${size}`, m));

    const cold = run.coldStart as (RunResult['coldStart'] & { totalMs?: number; samples?: number; spread?: Record<string, { min: number; max: number; q1?: number; q3?: number }> }) | undefined;
    if (cold) {
      for (const [key, figure] of COLD_PHASES) {
        const value = cold[key];
        if (typeof value !== 'number') continue;
        const s = cold.spread?.[key];
        const n = cold.samples ?? 1;
        out.push({
          runtime: run.runtime,
          workload: run.workload,
          figure,
          unit: 'ms',
          value,
          betterIs: 'lower',
          spread:
            s && n >= 2
              ? { kind: 'median', n, min: s.min, max: s.max, ...(s.q1 !== undefined ? { q1: s.q1, q3: s.q3! } : {}) }
              : { kind: 'none', why: n < 2 ? 'single sample: no spread to test' : 'no spread recorded' },
          note: s ? `median of ${n}, min ${fmt(s.min)} ms, max ${fmt(s.max)} ms` : `median of ${n}`,
        });
      }
    }

    const mem = run.memory;
    if (mem) {
      for (const kind of MEMORY_KINDS) {
        const value = mem.bytesPerInstance[kind];
        if (typeof value !== 'number') continue;
        out.push({
          runtime: run.runtime,
          workload: run.workload,
          figure: `memory ${kind}/instance`,
          unit: 'bytes',
          value,
          betterIs: 'lower',
          // A slope over instance counts from one process: no repeat, no spread.
          spread: { kind: 'none', why: 'one slope over instance counts: no spread to test' },
          note: `slope over up to ${mem.instances} instances`,
        });
      }
    }

    if (run.load) out.push(...loadFigures(run.runtime, run.workload, run.load));
  }

  const bare = results.baseline as (Results['baseline'] & { loadByWorkload?: Record<string, LoadLike> }) | undefined;
  if (bare?.loadByWorkload) {
    for (const [workload, load] of Object.entries(bare.loadByWorkload)) out.push(...loadFigures(BARE, workload, load));
  } else if (bare?.load) {
    // Older files: one bare run for the whole file.
    out.push(...loadFigures(BARE, 'any', bare.load));
  }
  return out.filter((f) => Number.isFinite(f.value));
}
