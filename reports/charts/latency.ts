// Per-call latency by workload, runtimes side by side: the in-process micro
// benchmark (runs[].micro). Dots, not bars: on a log axis a bar's length means
// nothing, and latencies span four orders of magnitude between runtimes.

import type { Source } from '../model.ts';
import type { Chart } from './chart.ts';
import {
  US,
  WIDTH,
  catTip,
  fieldsOf,
  frame,
  numTip,
  orderWorkloads,
  positive,
  rmeBounds,
  runtimeScale,
  sourceTip,
  us,
  verifiedRuns,
} from './common.ts';

export interface LatencyRow {
  source: string;
  runtime: string;
  workload: string;
  meanUs: number;
  /** Error bar: mean ± mean·rme/100 (low end kept positive, see rmeBounds). */
  loUs: number;
  hiUs: number;
  rme: number;
  p50Us: number;
  p99Us: number;
  opsPerSec: number;
  samples: number;
}

export function latencyRows(sources: Source[]): LatencyRow[] {
  return verifiedRuns(sources, 'micro')
    .filter(({ run }) => positive(run.micro.latencyNs.mean))
    .map(({ source, run }) => {
      const m = run.micro;
      const meanUs = us(m.latencyNs.mean);
      const { lo, hi } = rmeBounds(meanUs, m.rme);
      return {
        source,
        runtime: run.runtime,
        workload: run.workload,
        meanUs,
        loUs: lo,
        hiUs: hi,
        rme: m.rme,
        p50Us: us(m.latencyNs.p50),
        p99Us: us(m.latencyNs.p99),
        opsPerSec: m.opsPerSec,
        samples: m.samples,
      };
    });
}

export function latencyChart(sources: Source[]): Chart | undefined {
  const rows = latencyRows(sources);
  if (rows.length === 0) return undefined;
  const f = fieldsOf<LatencyRow>();
  const colour = runtimeScale(sources, rows.map((r) => r.runtime));
  const title = 'Per-call latency by workload';
  const yTitle = 'µs per call (log scale)';
  return {
    id: 'micro-latency',
    title,
    caption:
      'Mean time of one filter call in microseconds, measured in process, one dot per runtime within each workload; ' +
      'the axis is logarithmic, so equal distances are equal ratios. Lower is better. Error bars: 95% CI of the mean (± rme).',
    spec: frame({
      title,
      values: rows,
      sources: sources.map((s) => s.label),
      panel: {
        width: WIDTH,
        height: 300,
        encoding: {
          x: { field: f('workload'), type: 'nominal', title: 'workload', sort: orderWorkloads(rows.map((r) => r.workload)), axis: { labelAngle: 0 } },
          xOffset: { field: f('runtime'), type: 'nominal', sort: colour.domain },
          color: { field: f('runtime'), type: 'nominal', title: 'runtime', scale: colour, legend: { orient: 'top' } },
          tooltip: [
            ...sourceTip(sources.length > 1),
            catTip(f('runtime'), 'runtime'),
            catTip(f('workload'), 'workload'),
            numTip(f('meanUs'), 'mean (µs)', US),
            numTip(f('rme'), '± rme (%)', '.2f'),
            numTip(f('p50Us'), 'p50 (µs)', US),
            numTip(f('p99Us'), 'p99 (µs)', US),
            numTip(f('opsPerSec'), 'calls/s', ',.0f'),
            numTip(f('samples'), 'samples', ',d'),
          ],
        },
        layer: [
          {
            mark: { type: 'rule', strokeWidth: 1.5 },
            encoding: {
              y: { field: f('loUs'), type: 'quantitative', scale: { type: 'log' }, title: yTitle },
              y2: { field: f('hiUs') },
            },
          },
          {
            mark: { type: 'point', filled: true, size: 60, opacity: 1 },
            encoding: { y: { field: f('meanUs'), type: 'quantitative', scale: { type: 'log' }, title: yTitle } },
          },
        ],
      },
    }),
  };
}
