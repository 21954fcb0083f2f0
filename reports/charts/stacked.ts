// The panel shared by the memory and cold-start charts: one horizontal bar per
// runtime (or runtime · workload), split into stacked parts in a fixed order.

import type { Source } from '../model.ts';
import { type PanelSpec, WIDTH, catTip, numTip, orderRuntimes, orderWorkloads, sourceTip } from './common.ts';

// Viridis stops: an ordered ramp that is none of the runtime colours, so a
// part is never read as a runtime, and it stays distinct in greyscale print.
const PART_COLOURS = ['#3b528b', '#21918c', '#90d743'];

export interface PartRow {
  source: string;
  runtime: string;
  workload: string;
  /** The bar's label: the runtime, or "runtime · workload" when several workloads were measured. */
  bar: string;
  part: string;
  /** Position of the part in the stack (0 at the axis). */
  order: number;
  /** Drawn length (never negative). */
  value: number;
}

/** Bar labels for the measured runtime × workload pairs: the label function, the bars in runtime then workload order, the workloads. */
export function barLabels(pairs: { runtime: string; workload: string }[]): {
  label: (pair: { runtime: string; workload: string }) => string;
  order: string[];
  workloads: string[];
} {
  const workloads = orderWorkloads(pairs.map((p) => p.workload));
  const label = (p: { runtime: string; workload: string }) => (workloads.length > 1 ? `${p.runtime} · ${p.workload}` : p.runtime);
  const order = orderRuntimes(pairs.map((p) => p.runtime)).flatMap((runtime) =>
    workloads.filter((workload) => pairs.some((p) => p.runtime === runtime && p.workload === workload)).map((workload) => label({ runtime, workload })),
  );
  return { label, order, workloads };
}

export function stackedPanel(options: {
  sources: Source[];
  parts: string[];
  bars: string[];
  yTitle: string;
  xTitle: string;
  /** Tooltip entries after source, runtime and workload. */
  tooltip: ReturnType<typeof numTip | typeof catTip>[];
}): PanelSpec {
  return {
    width: WIDTH,
    height: { step: 24 },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'bar', type: 'nominal', title: options.yTitle, sort: options.bars },
      x: { field: 'value', type: 'quantitative', title: options.xTitle, stack: 'zero' },
      color: {
        field: 'part',
        type: 'nominal',
        title: null,
        scale: { domain: options.parts, range: PART_COLOURS.slice(0, options.parts.length) },
        legend: { orient: 'top' },
      },
      order: { field: 'order', type: 'quantitative' },
      tooltip: [...sourceTip(options.sources.length > 1), catTip('runtime', 'runtime'), catTip('workload', 'workload'), ...options.tooltip],
    },
  };
}
