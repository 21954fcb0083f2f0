// Slowdown versus native: for each runtime × workload, the runtime's mean
// per-call latency over native's for the same workload in the same source
// (DESIGN §4: timings are only compared inside one run, as ratios). A last
// column gives each runtime's geometric mean over the workloads it has a ratio
// for — the geometric mean because these are ratios (×2 and ×0.5 average to ×1).

import type { Source } from '../model.ts';
import type { Chart } from './chart.ts';
import { catTip, fieldsOf, frame, numTip, orderRuntimes, orderWorkloads, positive, sourceTip, verifiedRuns } from './common.ts';

export const GEOMEAN = 'geomean';

export interface SlowdownRow {
  source: string;
  runtime: string;
  /** A workload, or GEOMEAN for the summary column. */
  column: string;
  ratio: number;
  /** "×12.3" */
  label: string;
  /** What the ratio is of, as text (a tooltip line; the two kinds of cell have different figures). */
  of: string;
  /** Workloads the geometric mean is over (GEOMEAN cells only). */
  workloads?: number;
  /** Cell dark enough to need white text. */
  dark: boolean;
}

/** "×1.00", "×12.3", "×123", "×1234": three significant digits, never exponent notation. */
export function ratioLabel(ratio: number): string {
  return '×' + (ratio >= 999.5 ? Math.round(ratio).toString() : ratio.toPrecision(3)); // toPrecision(3) of 999.5 is "1.00e+3"
}

/** A mean in ns as µs to 4 significant digits (as the other tooltips: "0.01544 µs", "5,901 µs"). */
const fmtUs = (ns: number): string => `${(ns / 1000).toLocaleString('en-US', { maximumSignificantDigits: 4 })} µs`;

export function geometricMean(xs: number[]): number {
  return Math.exp(xs.reduce((sum, x) => sum + Math.log(x), 0) / xs.length);
}

export function slowdownRows(sources: Source[]): SlowdownRow[] {
  const runs = verifiedRuns(sources, 'micro').filter(({ run }) => positive(run.micro.latencyNs.mean));
  const native = new Map(runs.filter(({ run }) => run.runtime === 'native').map(({ source, run }) => [`${source}\0${run.workload}`, run.micro.latencyNs.mean]));
  const cells: Omit<SlowdownRow, 'dark'>[] = [];
  for (const { source, run } of runs) {
    const base = native.get(`${source}\0${run.workload}`);
    if (base === undefined) continue; // no native figure for this workload here: no ratio
    const ratio = run.micro.latencyNs.mean / base;
    const of = `${fmtUs(run.micro.latencyNs.mean)} / native ${fmtUs(base)}`;
    cells.push({ source, runtime: run.runtime, column: run.workload, ratio, label: ratioLabel(ratio), of });
  }
  const groups = new Map<string, { source: string; runtime: string; ratios: number[] }>();
  for (const c of cells) {
    const key = `${c.source}\0${c.runtime}`;
    const g = groups.get(key) ?? { source: c.source, runtime: c.runtime, ratios: [] };
    g.ratios.push(c.ratio);
    groups.set(key, g);
  }
  for (const g of groups.values()) {
    const ratio = geometricMean(g.ratios);
    const of = `geometric mean over ${g.ratios.length} workload${g.ratios.length === 1 ? '' : 's'}`;
    cells.push({ source: g.source, runtime: g.runtime, column: GEOMEAN, ratio, label: ratioLabel(ratio), of, workloads: g.ratios.length });
  }
  // The colour scale is logarithmic over all cells; white text on the darker ~half of it.
  const logs = cells.map((c) => Math.log(c.ratio));
  const lo = Math.min(...logs);
  const hi = Math.max(...logs);
  return cells.map((c) => ({ ...c, dark: hi > lo && (Math.log(c.ratio) - lo) / (hi - lo) > 0.55 }));
}

export function slowdownChart(sources: Source[]): Chart | undefined {
  const rows = slowdownRows(sources);
  if (rows.length === 0) return undefined;
  const f = fieldsOf<SlowdownRow>();
  const columns = [...orderWorkloads(rows.filter((r) => r.column !== GEOMEAN).map((r) => r.column)), GEOMEAN];
  const runtimes = orderRuntimes(rows.map((r) => r.runtime));
  const title = 'Slowdown versus native';
  const tooltip = [
    ...sourceTip(sources.length > 1),
    catTip(f('runtime'), 'runtime'),
    catTip(f('column'), 'workload'),
    numTip(f('ratio'), '× native', ',.3~f'),
    catTip(f('of'), 'of'),
  ];
  return {
    id: 'slowdown-vs-native',
    title,
    caption:
      "Each cell is the runtime's mean per-call latency divided by native's for the same workload, measured in the same run; " +
      '×1 is as fast as native, higher is slower. The last column is the geometric mean over the workloads the runtime has a ratio for.',
    spec: frame({
      title,
      values: rows,
      sources: sources.map((s) => s.label),
      panel: {
        width: { step: 68 },
        height: { step: 30 },
        encoding: {
          x: { field: f('column'), type: 'nominal', title: 'workload', sort: columns, axis: { labelAngle: 0, domain: false, ticks: false } },
          y: { field: f('runtime'), type: 'nominal', title: 'runtime', sort: runtimes, axis: { domain: false, ticks: false } },
          tooltip,
        },
        layer: [
          {
            mark: { type: 'rect', stroke: 'white', strokeWidth: 2 },
            encoding: {
              color: {
                field: f('ratio'),
                type: 'quantitative',
                title: '× native (log)',
                scale: { type: 'log', scheme: 'orangered' },
                legend: { orient: 'top', format: ',~r', gradientLength: 240 },
              },
            },
          },
          {
            mark: { type: 'text', fontSize: 12 },
            encoding: {
              text: { field: f('label'), type: 'nominal' },
              color: { condition: { test: `datum.${f('dark')}`, value: 'white' }, value: 'black' },
            },
          },
        ],
      },
    }),
  };
}
