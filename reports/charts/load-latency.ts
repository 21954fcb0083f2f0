// p99 latency through the HTTP gateway under load, runtime × workload, with the
// bare server's p99 (same run) as a black tick. Log axis and dots, as for the
// per-call chart: a slow runtime's p99 can be a hundred times the bare one.

import type { Source } from '../model.ts';
import type { Chart } from './chart.ts';
import { WIDTH, catTip, fieldsOf, frame, numTip, orderWorkloads, positive, runtimeScale, sourceTip } from './common.ts';
import type { BareRow, LoadRow } from './load-data.ts';
import { type ThroughputRow, throughputRows } from './load-throughput.ts';

/** The under-load rows whose p99 can go on a log axis. */
export function p99Rows(sources: Source[]): ThroughputRow[] {
  return throughputRows(sources).filter((r) => positive(r.p99Ms));
}

export function loadLatencyChart(sources: Source[]): Chart | undefined {
  const rows = p99Rows(sources);
  const runs = rows.filter((r) => r.kind === 'run');
  if (runs.length === 0) return undefined;
  const hasBare = rows.length > runs.length;
  const f = fieldsOf<LoadRow & BareRow & { kind: string }>();
  const colour = runtimeScale(sources, runs.map((r) => r.runtime));
  const multi = sources.length > 1;
  const title = 'p99 latency under load';
  const workloads = orderWorkloads(runs.map((r) => r.workload));
  const y = { field: f('p99Ms'), type: 'quantitative', title: 'p99 latency (ms, log scale)', scale: { type: 'log' } } as const;
  return {
    id: 'load-p99',
    title,
    caption:
      '99th-percentile request latency in milliseconds through the gateway under the same load, one dot per runtime ' +
      'within each workload; the axis is logarithmic. Lower is better.' +
      (hasBare ? " Black tick: the bare server's p99 in the same run." : ''),
    spec: frame({
      title,
      values: rows,
      sources: sources.map((s) => s.label),
      panel: {
        width: WIDTH,
        height: 260,
        encoding: {
          x: { field: f('workload'), type: 'nominal', title: 'workload', sort: workloads, axis: { labelAngle: 0 } },
          y,
        },
        layer: [
          {
            transform: [{ filter: "datum.kind === 'bare'" }],
            // Spans the workload's band, as on the throughput chart (with no bar layer the default is a fixed 18px).
            mark: { type: 'tick', color: 'black', opacity: 1, thickness: 2.5, width: { expr: "bandwidth('x')" } },
            encoding: {
              tooltip: [
                ...sourceTip(multi),
                catTip(f('from'), 'baseline'),
                catTip(f('workload'), 'workload'),
                numTip(f('p50Ms'), 'p50 (ms)', ',.3f'),
                numTip(f('p99Ms'), 'p99 (ms)', ',.3f'),
              ],
            },
          },
          {
            transform: [{ filter: "datum.kind === 'run'" }],
            mark: { type: 'point', filled: true, size: 60, opacity: 1 },
            encoding: {
              xOffset: { field: f('runtime'), type: 'nominal', sort: colour.domain },
              color: { field: f('runtime'), type: 'nominal', title: 'runtime', scale: colour, legend: { orient: 'top' } },
              tooltip: [
                ...sourceTip(multi),
                catTip(f('runtime'), 'runtime'),
                catTip(f('workload'), 'workload'),
                numTip(f('p50Ms'), 'p50 (ms)', ',.3f'),
                numTip(f('p99Ms'), 'p99 (ms)', ',.3f'),
                numTip(f('maxMs'), 'max (ms)', ',.3f'),
                numTip(f('requestsPerSec'), 'requests/s', ',.1f'),
                numTip(f('errors'), 'errors', ',d'),
                numTip(f('non2xx'), 'non-2xx', ',d'),
              ],
            },
          },
        ],
      },
    }),
  };
}
