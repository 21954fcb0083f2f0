// Small results files for the comparison and tracker tests.

import type { Source } from '../model.ts';
import { RESULTS_SCHEMA, type MicroFigures, type Results, type RunResult } from '../schema.ts';

export function micro(mean: number, rme: number, samples: number): MicroFigures {
  return { opsPerSec: 1e9 / mean, latencyNs: { mean, p50: mean, p99: mean * 2, p999: mean * 3 }, rme, samples, callsPerSample: 1 };
}

/** Cold start with every phase the same median and spread (only totalMs matters to most tests). */
export function coldStart(median: number, min: number, max: number, samples: number): RunResult['coldStart'] {
  const s = { min, max, q1: (min + median) / 2, q3: (median + max) / 2 };
  return {
    loadMs: median,
    instantiateMs: median,
    firstCallMs: median,
    totalMs: median,
    samples,
    spread: { loadMs: s, instantiateMs: s, firstCallMs: s, totalMs: s },
  } as RunResult['coldStart'];
}

export function load(requestsPerSec: number, p50: number, p99: number): NonNullable<RunResult['load']> {
  return { requestsPerSec, latencyMs: { p50, p99, max: p99 * 2 }, errors: 0, non2xx: 0, connections: 4, durationS: 1 };
}

export function results(runs: RunResult[], patch: { node?: string; profile?: string; bare?: number } = {}): Results {
  return {
    schema: RESULTS_SCHEMA,
    environment: {
      cpu: 'Test CPU',
      cores: 2,
      os: 'Linux test',
      node: patch.node ?? 'v20.0.0',
      engines: { native: 'V8 11', lua: 'Lua 5.4' },
      commit: '0123456789abcdef0123',
      date: '2026-01-01T00:00:00Z',
    },
    config: { profile: patch.profile ?? 'quick' },
    runs,
    ...(patch.bare !== undefined
      ? { baseline: { load: load(patch.bare, 0.2, 1), loadByWorkload: { noop: load(patch.bare, 0.2, 1) } } as Results['baseline'] }
      : {}),
  };
}

export function source(r: Results, label = 'test', file = `${label}.json`): Source {
  return { label, file, results: r };
}
