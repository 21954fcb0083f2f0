// The report's charts, in page order: in-process cost first (per call, relative
// to native, per KB of body), then under load, then per-instance costs.

import type { Source } from '../model.ts';
import type { Chart } from './chart.ts';
import { coldStartChart } from './coldstart.ts';
import { latencyChart } from './latency.ts';
import { loadLatencyChart } from './load-latency.ts';
import { throughputChart } from './load-throughput.ts';
import { memoryChart } from './memory.ts';
import { perKbChart } from './per-kb.ts';
import { slowdownChart } from './slowdown.ts';

export type { Chart } from './chart.ts';

const BUILDERS: ((sources: Source[]) => Chart | undefined)[] = [
  latencyChart,
  slowdownChart,
  perKbChart,
  throughputChart,
  loadLatencyChart,
  memoryChart,
  coldStartChart,
];

/** Only the charts that have data, in page order. */
export function allCharts(sources: Source[]): Chart[] {
  return BUILDERS.map((build) => build(sources)).filter((c): c is Chart => c !== undefined);
}
