// `--tracker-json FILE`: the results in the input format of
// github-action-benchmark's `customSmallerIsBetter` tool, a JSON array of
// { name, unit, value, range?, extra? } (the action reads exactly these five
// keys; `range` is shown as is and parsed as "± <number>" in the entry's unit).
//
// The tool takes one direction for the whole file, so every entry here is
// smaller-is-better: per-call time, cold start time, bytes per instance,
// latency under load, and throughput turned into its inverse, µs of
// wall-clock time per request (1e6 / req/s), so a drop in req/s shows as a
// rise like every other regression. Names are stable across runs
// ("<runtime>/<workload> <figure>"): the tracker draws one series per name.
// Only verified runs without an error are tracked.

import type { Source } from './model.ts';
import { extractFigures, type Figure } from './compare/figures.ts';

/** One entry of github-action-benchmark's custom JSON format. */
export interface TrackerEntry {
  name: string;
  unit: string;
  value: number;
  range?: string;
  extra?: string;
}

// Six significant digits: more than any of these figures carries, and a
// readable JSON file.
const round = (x: number) => Number(x.toPrecision(6));

function entryFor(f: Figure, label: string): TrackerEntry | undefined {
  const name = `${f.runtime}/${f.workload} ${f.figure}`;
  const extra = [f.note, label].filter(Boolean).join('\n');
  // Cold start: the total only; its phases stay in the report (one chart per
  // name in the tracker, and the total is what a regression shows up in).
  if (f.figure.startsWith('cold start ') && f.figure !== 'cold start total') return undefined;
  if (f.figure === 'load req/s') {
    if (!(f.value > 0)) return undefined;
    return {
      name: `${f.runtime}/${f.workload} load time per request`,
      unit: 'µs',
      value: round(1e6 / f.value),
      extra: [`${Math.round(f.value)} req/s`, f.note, label].filter(Boolean).join('\n'),
    };
  }
  if (f.betterIs !== 'lower') return undefined; // nothing else is higher-is-better today; never emit one
  const entry: TrackerEntry = { name, unit: f.unit, value: round(f.value) };
  // A margin only where the file has one: tinybench's 95 % margin of error of the mean.
  if (f.spread.kind === 'mean') entry.range = `± ${round((f.value * f.spread.rme) / 100)}`;
  if (extra) entry.extra = extra;
  return entry;
}

export interface TrackerOptions {
  /** Put before every name ("<prefix> · <name>"), so entries of several files in one tracker file stay apart. */
  prefix?: string;
}

/** The tracker entries for one results file, in the file's run order. */
export function trackerEntries(source: Source, options: TrackerOptions = {}): TrackerEntry[] {
  const out: TrackerEntry[] = [];
  for (const f of extractFigures(source.results)) {
    const e = entryFor(f, source.label);
    if (!e || !Number.isFinite(e.value)) continue;
    if (options.prefix) e.name = `${options.prefix} · ${e.name}`;
    out.push(e);
  }
  return out;
}

/** The file's text: a JSON array, one entry per line for readable diffs. */
export function trackerJson(source: Source, options: TrackerOptions = {}): string {
  return `[\n${trackerEntries(source, options).map((e) => `  ${JSON.stringify(e)}`).join(',\n')}\n]\n`;
}
