// What every chart shares: the order and colour of runtimes and workloads, the
// runs a chart may plot, the page width, and how several sources are told
// apart (one row of panels per source, labelled above it; nothing with one).

import type { TopLevelSpec } from 'vega-lite';
import type { StringFieldDef } from 'vega-lite/types_unstable/channeldef.js';
import type { Source } from '../model.ts';
import type { RunResult } from '../schema.ts';

export const SCHEMA_URL = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Plot width in px: with axis labels a chart is ~700px wide, so it fits a ~900px laptop column and a printed A4 page (~718px). */
export const WIDTH = 600;

export const KNOWN_RUNTIMES = ['native', 'lua', 'quickjs', 'wasm', 'remote'];
export const KNOWN_WORKLOADS = ['noop', 'headers', 'jwt-auth', 'json-transform', 'rate-limit', 'router', 'redact'];

// Tableau 10 (vega's default categorical scheme). The five known runtimes own
// the first five colours whether or not a file has them, so native is the same
// blue in every report; other runtimes take the rest in name order.
const PALETTE = ['#4c78a8', '#f58518', '#e45756', '#72b7b2', '#54a24b', '#eeca3b', '#b279a2', '#ff9da6', '#9d755d', '#bab0ac'];

function knownFirst(known: string[], names: Iterable<string>): string[] {
  const set = new Set(names);
  return [...known.filter((n) => set.has(n)), ...[...set].filter((n) => !known.includes(n)).sort()];
}

/** native, lua, quickjs, wasm, remote, then others by name. */
export const orderRuntimes = (names: Iterable<string>): string[] => knownFirst(KNOWN_RUNTIMES, names);
/** The seven workloads in DESIGN order, then others by name. */
export const orderWorkloads = (names: Iterable<string>): string[] => knownFirst(KNOWN_WORKLOADS, names);

/** Colour of each runtime, fixed over all sources so every chart agrees. */
export function runtimeColours(sources: Source[]): Map<string, string> {
  const names = orderRuntimes([...KNOWN_RUNTIMES, ...sources.flatMap((s) => s.results.runs.map((r) => r.runtime))]);
  return new Map(names.map((n, i) => [n, PALETTE[i % PALETTE.length]!]));
}

/** Colour scale for the runtimes one chart shows (its legend lists only those). */
export function runtimeScale(sources: Source[], present: Iterable<string>): { domain: string[]; range: string[] } {
  const colours = runtimeColours(sources);
  const domain = orderRuntimes(present);
  return { domain, range: domain.map((n) => colours.get(n)!) };
}

/** A verified run of one source: the only runs a chart plots. */
export interface SourcedRun {
  source: string;
  run: RunResult;
}

/** Verified runs that carry the block a chart needs (runs without it are left out, never drawn as zero). */
export function verifiedRuns<K extends keyof RunResult>(
  sources: Source[],
  block: K,
): (SourcedRun & { run: RunResult & Required<Pick<RunResult, K>> })[] {
  return sources.flatMap((s) =>
    s.results.runs
      .filter((run): run is RunResult & Required<Pick<RunResult, K>> => run.verified === true && run[block] != null)
      .map((run) => ({ source: s.label, run })),
  );
}

/** A usable positive number (log scales and ratios need one). */
export const positive = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x > 0;

/** Field names checked against the row type: `const f = fieldsOf<Row>(); f('meanUs')`. */
export const fieldsOf =
  <R>() =>
  <K extends keyof R & string>(k: K): K =>
    k;

/** d3 format for µs: 4 significant digits, so 15 ns reads "0.01544" and 5.9 ms "5,901" (finer than any rme). */
export const US = ',.4~r';

type Tip = StringFieldDef<string>;
/** Tooltip entry for a number, with its d3 format (enough digits to be exact at the unit's resolution). */
export const numTip = (field: string, title: string, format: string): Tip => ({ field, type: 'quantitative', title, format });
/** Tooltip entry for a name. */
export const catTip = (field: string, title: string): Tip => ({ field, type: 'nominal', title });

/** The source label in tooltips, only when there is more than one source. */
export const sourceTip = (multi: boolean): Tip[] => (multi ? [catTip('source', 'source')] : []);

type FacetedSpec = Extract<TopLevelSpec, { facet: unknown }>;
/** One panel: a unit or layer spec with its own width and height. */
export type PanelSpec = FacetedSpec['spec'];

export interface Frame {
  title: string;
  values: object[];
  panel: PanelSpec;
  /** Labels of all sources, in the order given; more than one → a row of panels per source. */
  sources: string[];
  /** Optional column facet (e.g. per workload), with its order. */
  column?: { field: string; sort: string[] };
}

/**
 * The top-level spec: the panel alone, or faceted by source (rows, label above
 * each row so long environment labels fit) and/or by a column field. Facets
 * share scales, so panels of different machines compare directly.
 */
export function frame({ title, values, panel, sources, column }: Frame): TopLevelSpec {
  const top = { $schema: SCHEMA_URL, title: { text: title, anchor: 'start' as const } };
  const data = { values };
  const multi = sources.length > 1;
  if (!multi && !column) return { ...top, ...panel, data };
  return {
    ...top,
    data,
    facet: {
      ...(multi
        ? {
            row: {
              field: 'source',
              type: 'nominal',
              title: null,
              sort: sources,
              header: { labelOrient: 'top', labelAngle: 0, labelAnchor: 'start', labelFontWeight: 'bold', labelLimit: 0 },
            },
          }
        : {}),
      ...(column
        ? { column: { field: column.field, type: 'nominal', title: null, sort: column.sort, header: { labelFontWeight: 'bold' } } }
        : {}),
    },
    spec: panel,
  };
}

/** µs from ns. */
export const us = (ns: number): number => ns / 1000;

/**
 * Error bar ends from the mean and its relative margin of error (percent). On a
 * log axis the low end must stay positive, so an rme of 100% or more is cut at
 * 1% of the mean (the tooltip still gives the rme).
 */
export function rmeBounds(mean: number, rme: number): { lo: number; hi: number } {
  const r = Number.isFinite(rme) && rme > 0 ? rme / 100 : 0;
  return { lo: mean * Math.max(1 - r, 0.01), hi: mean * (1 + r) };
}
