// Memory per instance (runs[].memory.bytesPerInstance): RSS, V8 heap and
// external bytes, stacked. Each is a slope over N instances, so noise (a GC
// between counts) can make one negative; a negative part is drawn as 0 — a
// stack cannot go backwards — and the tooltip keeps the measured value.

import type { Source } from '../model.ts';
import type { Chart } from './chart.ts';
import { catTip, fieldsOf, frame, numTip, verifiedRuns } from './common.ts';
import { type PartRow, barLabels, stackedPanel } from './stacked.ts';

export const MEMORY_PARTS = ['RSS', 'V8 heap', 'external'] as const;

export interface MemoryRow extends PartRow {
  /** The part's drawn size in KiB (negatives → 0). */
  value: number;
  /** Measured bytes per instance, as in the results file. */
  rss: number;
  heap: number;
  external: number;
  /** Engine-reported bytes per instance, as text: only some adapters report one ("not reported" rather than NaN in a tooltip). */
  engine: string;
  instances: number;
}

export function memoryRows(sources: Source[]): MemoryRow[] {
  const runs = verifiedRuns(sources, 'memory').filter(({ run }) => {
    const b = run.memory.bytesPerInstance;
    return [b.rss, b.heap, b.external].every(Number.isFinite);
  });
  const { label } = barLabels(runs.map((r) => r.run));
  return runs.flatMap(({ source, run }) => {
    const b = run.memory.bytesPerInstance;
    const bytes = [b.rss, b.heap, b.external];
    return MEMORY_PARTS.map((part, order) => ({
      source,
      runtime: run.runtime,
      workload: run.workload,
      bar: label(run),
      part,
      order,
      value: Math.max(0, bytes[order]!) / 1024,
      rss: b.rss,
      heap: b.heap,
      external: b.external,
      engine: b.engine !== undefined && Number.isFinite(b.engine) ? Math.round(b.engine).toLocaleString('en-US') : 'not reported',
      instances: run.memory.instances,
    }));
  });
}

export function memoryChart(sources: Source[]): Chart | undefined {
  const rows = memoryRows(sources);
  if (rows.length === 0) return undefined;
  const f = fieldsOf<MemoryRow>();
  const { order, workloads } = barLabels(rows);
  const title = 'Memory per instance';
  return {
    id: 'memory-per-instance',
    title,
    caption:
      `KiB each additional filter instance costs${workloads.length === 1 ? ` (${workloads[0]} workload)` : ''}, ` +
      'as growth in RSS, V8 heap and external (ArrayBuffer, wasm) memory, stacked; lower is better. ' +
      'The parts overlap (RSS contains what the other two touch) and a negative measurement is drawn as 0; the tooltip gives the measured bytes.',
    spec: frame({
      title,
      values: rows,
      sources: sources.map((s) => s.label),
      panel: stackedPanel({
        sources,
        parts: [...MEMORY_PARTS],
        bars: order,
        yTitle: workloads.length === 1 ? 'runtime' : 'runtime · workload',
        xTitle: 'KiB per instance',
        tooltip: [
          numTip(f('rss'), 'RSS (bytes)', ',d'),
          numTip(f('heap'), 'V8 heap (bytes)', ',d'),
          numTip(f('external'), 'external (bytes)', ',d'),
          catTip(f('engine'), 'engine-reported (bytes)'),
          numTip(f('instances'), 'instances', ',d'),
        ],
      }),
    }),
  };
}
