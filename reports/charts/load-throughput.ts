// Requests per second through the HTTP gateway, runtime × workload, with the
// bare server (no filter, same run) as a black tick over each workload: how
// much of the ceiling a runtime keeps.

import type { Source } from '../model.ts';
import type { Chart } from './chart.ts';
import { WIDTH, catTip, fieldsOf, frame, numTip, orderWorkloads, runtimeScale, sourceTip } from './common.ts';
import { type BareRow, type LoadRow, bareRows, loadRows } from './load-data.ts';

/** One dataset (facets need one): the runs' bars and the bare ticks, told apart by `kind`. */
export type ThroughputRow = (LoadRow & { kind: 'run' }) | (BareRow & { kind: 'bare' });

export function throughputRows(sources: Source[]): ThroughputRow[] {
  const runs = loadRows(sources);
  return [...runs.map((r) => ({ ...r, kind: 'run' as const })), ...bareRows(sources, runs).map((b) => ({ ...b, kind: 'bare' as const }))];
}

export function throughputChart(sources: Source[]): Chart | undefined {
  const rows = throughputRows(sources);
  const runs = rows.filter((r) => r.kind === 'run');
  if (runs.length === 0) return undefined;
  const hasBare = rows.length > runs.length;
  const f = fieldsOf<LoadRow & BareRow & { kind: string }>();
  const colour = runtimeScale(sources, runs.map((r) => r.runtime));
  const multi = sources.length > 1;
  const title = 'Requests per second under load';
  const y = { field: f('requestsPerSec'), type: 'quantitative', title: 'requests/s' } as const;
  return {
    id: 'load-throughput',
    title,
    caption:
      'Requests per second the gateway served with each runtime running the filter, driven by autocannon from another process. Higher is better.' +
      (hasBare ? ' Black tick: the bare server with no filter in the same run, the ceiling.' : ''),
    spec: frame({
      title,
      values: rows,
      sources: sources.map((s) => s.label),
      panel: {
        width: WIDTH,
        height: 280,
        encoding: {
          x: { field: f('workload'), type: 'nominal', title: 'workload', sort: orderWorkloads(runs.map((r) => r.workload)), axis: { labelAngle: 0 } },
        },
        layer: [
          {
            transform: [{ filter: "datum.kind === 'run'" }],
            mark: { type: 'bar' },
            encoding: {
              y: { ...y, stack: null }, // one bar per runtime within its workload: side by side, never stacked
              xOffset: { field: f('runtime'), type: 'nominal', sort: colour.domain },
              color: { field: f('runtime'), type: 'nominal', title: 'runtime', scale: colour, legend: { orient: 'top' } },
              tooltip: [
                ...sourceTip(multi),
                catTip(f('runtime'), 'runtime'),
                catTip(f('workload'), 'workload'),
                numTip(f('requestsPerSec'), 'requests/s', ',.1f'),
                numTip(f('p50Ms'), 'p50 (ms)', ',.3f'),
                numTip(f('p99Ms'), 'p99 (ms)', ',.3f'),
                numTip(f('errors'), 'errors', ',d'),
                numTip(f('non2xx'), 'non-2xx', ',d'),
                numTip(f('connections'), 'connections', 'd'),
                numTip(f('durationS'), 'duration (s)', '.2f'),
              ],
            },
          },
          {
            transform: [{ filter: "datum.kind === 'bare'" }],
            // Without xOffset the tick is centred on the workload and spans 3/4 of its band, over its bars.
            mark: { type: 'tick', color: 'black', opacity: 1, thickness: 2.5 },
            encoding: {
              y,
              tooltip: [
                ...sourceTip(multi),
                catTip(f('from'), 'ceiling'),
                catTip(f('workload'), 'workload'),
                numTip(f('requestsPerSec'), 'requests/s', ',.1f'),
                numTip(f('p99Ms'), 'p99 (ms)', ',.3f'),
              ],
            },
          },
        ],
      },
    }),
  };
}
