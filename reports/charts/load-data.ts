// Rows for the two under-load charts: each runtime × workload through the HTTP
// gateway (runs[].load), and the bare server of the same run as the ceiling.

import type { Source } from '../model.ts';
import type { Results } from '../schema.ts';
import { positive, verifiedRuns } from './common.ts';

export interface LoadRow {
  source: string;
  runtime: string;
  workload: string;
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
  non2xx: number;
  connections: number;
  durationS: number;
}

export interface BareRow {
  source: string;
  workload: string;
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Where the figure comes from: the bare run for this workload, or the run's single baseline. */
  from: string;
}

type BareLoad = NonNullable<Results['baseline']>['load'];
/** An extra field of newer results files: the bare server measured with each workload's requests. */
type Baseline = NonNullable<Results['baseline']> & { loadByWorkload?: Record<string, BareLoad | undefined> };

export function loadRows(sources: Source[]): LoadRow[] {
  return verifiedRuns(sources, 'load')
    .filter(({ run }) => positive(run.load.requestsPerSec))
    .map(({ source, run }) => ({
      source,
      runtime: run.runtime,
      workload: run.workload,
      requestsPerSec: run.load.requestsPerSec,
      p50Ms: run.load.latencyMs.p50,
      p99Ms: run.load.latencyMs.p99,
      maxMs: run.load.latencyMs.max,
      errors: run.load.errors,
      non2xx: run.load.non2xx,
      connections: run.load.connections,
      durationS: run.load.durationS,
    }));
}

/** The bare ceiling for every source × workload that has a load row. */
export function bareRows(sources: Source[], rows: LoadRow[]): BareRow[] {
  const out: BareRow[] = [];
  for (const s of sources) {
    const baseline = s.results.baseline as Baseline | undefined;
    if (!baseline) continue;
    for (const workload of new Set(rows.filter((r) => r.source === s.label).map((r) => r.workload))) {
      const own = baseline.loadByWorkload?.[workload];
      const bare = own ?? baseline.load;
      if (!bare || !positive(bare.requestsPerSec)) continue;
      out.push({
        source: s.label,
        workload,
        requestsPerSec: bare.requestsPerSec,
        p50Ms: bare.latencyMs.p50,
        p99Ms: bare.latencyMs.p99,
        from: own ? `bare server, ${workload} requests` : 'bare server (run baseline)',
      });
    }
  }
  return out;
}
