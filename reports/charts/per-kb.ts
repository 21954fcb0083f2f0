// Per-KB cost: per-call latency against request body size for the payload
// workloads (runs[].microBySize), one panel per workload, a line per runtime.
// Both axes are logarithmic: a slope of 1 means cost proportional to size, and
// the flat start of a line is the per-call overhead.

import type { Source } from '../model.ts';
import type { Chart } from './chart.ts';
import { US, WIDTH, catTip, fieldsOf, frame, numTip, orderWorkloads, positive, rmeBounds, runtimeScale, sourceTip, us, verifiedRuns } from './common.ts';

export interface PerKbRow {
  source: string;
  runtime: string;
  workload: string;
  /** The size class's name in the results file, e.g. "16 KiB". */
  sizeClass: string;
  bodyBytes: number;
  kib: number;
  meanUs: number;
  loUs: number;
  hiUs: number;
  rme: number;
  p99Us: number;
  usPerKib: number;
}

export function perKbRows(sources: Source[]): PerKbRow[] {
  return verifiedRuns(sources, 'microBySize').flatMap(({ source, run }) =>
    Object.entries(run.microBySize)
      .filter(([, m]) => positive(m.bodyBytes) && positive(m.latencyNs?.mean))
      .map(([sizeClass, m]) => {
        const meanUs = us(m.latencyNs.mean);
        const { lo, hi } = rmeBounds(meanUs, m.rme);
        const kib = m.bodyBytes / 1024;
        return {
          source,
          runtime: run.runtime,
          workload: run.workload,
          sizeClass,
          bodyBytes: m.bodyBytes,
          kib,
          meanUs,
          loUs: lo,
          hiUs: hi,
          rme: m.rme,
          p99Us: us(m.latencyNs.p99),
          usPerKib: meanUs / kib,
        };
      }),
  );
}

export function perKbChart(sources: Source[]): Chart | undefined {
  const rows = perKbRows(sources);
  if (rows.length === 0) return undefined;
  const f = fieldsOf<PerKbRow>();
  const colour = runtimeScale(sources, rows.map((r) => r.runtime));
  const workloads = orderWorkloads(rows.map((r) => r.workload));
  const title = 'Per-KB cost: latency against body size';
  const x = { field: f('kib'), type: 'quantitative', title: 'request body (KiB, log scale)', scale: { type: 'log', nice: false, padding: 14 } } as const;
  const yTitle = 'µs per call (log scale)';
  // Not niced: a nice log domain runs to the next power of 10 and can leave half a panel empty.
  const yScale = { type: 'log', nice: false, padding: 14 } as const;
  return {
    id: 'per-kb-cost',
    title,
    caption:
      `Mean time of one filter call in microseconds against the request body size in KiB, for ${workloads.join(' and ')}; ` +
      'both axes are logarithmic, so a slope of 1 is cost proportional to size. ' +
      'Lower is better. Error bars: 95% CI of the mean (± rme).',
    spec: frame({
      title,
      values: rows,
      sources: sources.map((s) => s.label),
      column: { field: f('workload'), sort: workloads },
      panel: {
        // The workload panels share the page width (vega-lite's facet gap is 20px).
        width: Math.floor((WIDTH - 20 * (workloads.length - 1)) / workloads.length),
        height: 260,
        encoding: {
          x,
          color: { field: f('runtime'), type: 'nominal', title: 'runtime', scale: colour, sort: colour.domain, legend: { orient: 'top' } },
          tooltip: [
            ...sourceTip(sources.length > 1),
            catTip(f('runtime'), 'runtime'),
            catTip(f('workload'), 'workload'),
            catTip(f('sizeClass'), 'size class'),
            numTip(f('bodyBytes'), 'body (bytes)', ',d'),
            numTip(f('meanUs'), 'mean (µs)', US),
            numTip(f('rme'), '± rme (%)', '.2f'),
            numTip(f('p99Us'), 'p99 (µs)', US),
            numTip(f('usPerKib'), 'µs per KiB', US),
          ],
        },
        layer: [
          {
            mark: { type: 'rule', strokeWidth: 1.5 },
            encoding: {
              y: { field: f('loUs'), type: 'quantitative', scale: yScale, title: yTitle },
              y2: { field: f('hiUs') },
            },
          },
          {
            mark: { type: 'line', point: { filled: true, size: 50 } },
            encoding: { y: { field: f('meanUs'), type: 'quantitative', scale: yScale, title: yTitle } },
          },
        ],
      },
    }),
  };
}
