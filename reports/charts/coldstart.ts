// Cold start (runs[].coldStart): the time from filter source to a first answer,
// split into load (compile), instantiate and first call, stacked in that order.

import type { Source } from '../model.ts';
import type { Chart } from './chart.ts';
import { fieldsOf, frame, numTip, verifiedRuns } from './common.ts';
import { type PartRow, barLabels, stackedPanel } from './stacked.ts';

export const COLD_START_PARTS = ['load', 'instantiate', 'first call'] as const;

export interface ColdStartRow extends PartRow {
  /** The part's time in ms. */
  value: number;
  loadMs: number;
  instantiateMs: number;
  firstCallMs: number;
  totalMs: number;
}

export function coldStartRows(sources: Source[]): ColdStartRow[] {
  const runs = verifiedRuns(sources, 'coldStart').filter(({ run }) => {
    const c = run.coldStart;
    return [c.loadMs, c.instantiateMs, c.firstCallMs].every((x) => Number.isFinite(x) && x >= 0);
  });
  const { label } = barLabels(runs.map((r) => r.run));
  return runs.flatMap(({ source, run }) => {
    const c = run.coldStart;
    const ms = [c.loadMs, c.instantiateMs, c.firstCallMs];
    return COLD_START_PARTS.map((part, order) => ({
      source,
      runtime: run.runtime,
      workload: run.workload,
      bar: label(run),
      part,
      order,
      value: ms[order]!,
      loadMs: c.loadMs,
      instantiateMs: c.instantiateMs,
      firstCallMs: c.firstCallMs,
      totalMs: c.loadMs + c.instantiateMs + c.firstCallMs,
    }));
  });
}

export function coldStartChart(sources: Source[]): Chart | undefined {
  const rows = coldStartRows(sources);
  if (rows.length === 0) return undefined;
  const f = fieldsOf<ColdStartRow>();
  const { order, workloads } = barLabels(rows);
  const title = 'Cold start';
  return {
    id: 'cold-start',
    title,
    caption:
      `Milliseconds from a filter's source to its first answer${workloads.length === 1 ? ` (${workloads[0]} workload)` : ''}: ` +
      'load (compile), instantiate and first call, stacked in that order. Shorter is better; the tooltip gives each part.',
    spec: frame({
      title,
      values: rows,
      sources: sources.map((s) => s.label),
      panel: stackedPanel({
        sources,
        parts: [...COLD_START_PARTS],
        bars: order,
        yTitle: workloads.length === 1 ? 'runtime' : 'runtime · workload',
        xTitle: 'ms',
        tooltip: [
          numTip(f('loadMs'), 'load (ms)', ',.3f'),
          numTip(f('instantiateMs'), 'instantiate (ms)', ',.3f'),
          numTip(f('firstCallMs'), 'first call (ms)', ',.3f'),
          numTip(f('totalMs'), 'total (ms)', ',.3f'),
        ],
      }),
    }),
  };
}
