// Shared by the chart tests: the trimmed real results file, sources, and
// compiling / rendering a spec headless with every vega-lite warning kept.

import { readFileSync } from 'node:fs';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import type { Source } from '../model.ts';
import type { Results, RunResult } from '../schema.ts';

/** A --quick run of all 35 pairs, extra fields trimmed (see its config.note). */
export function quickResults(): Results {
  return JSON.parse(readFileSync(new URL('./fixtures/quick.json', import.meta.url), 'utf8')) as Results;
}

export const source = (label: string, results: Results): Source => ({ label, file: `${label}.json`, results });

/** A minimal results object around the given runs. */
export function results(runs: RunResult[], baseline?: Results['baseline'] & Record<string, unknown>): Results {
  return {
    schema: 'plugbench/results@1',
    environment: { cpu: 'test cpu', cores: 1, os: 'test', node: 'v20.0.0', engines: {}, commit: 'test', date: '2026-01-01T00:00:00Z' },
    config: { profile: 'test' },
    runs,
    ...(baseline ? { baseline } : {}),
  };
}

/** Micro figures with the given mean (ns) and rme (%). */
export const micro = (mean: number, rme = 1) => ({
  opsPerSec: 1e9 / mean,
  latencyNs: { mean, p50: mean, p99: mean * 2, p999: mean * 3 },
  rme,
  samples: 100,
  callsPerSample: 1,
});

/** Compiles with vega-lite, collecting its warnings and errors instead of printing them. */
export function compileQuietly(spec: TopLevelSpec): { vg: vega.Spec; messages: string[] } {
  const messages: string[] = [];
  const collect =
    (kind: string) =>
    (...args: unknown[]) => {
      messages.push(`${kind}: ${args.map(String).join(' ')}`);
      return logger;
    };
  const logger: vega.LoggerInterface = {
    level: (() => logger) as vega.LoggerInterface['level'],
    error: collect('error'),
    warn: collect('warn'),
    info: () => logger,
    debug: () => logger,
  };
  const vg = compile(spec, { logger }).spec;
  return { vg, messages };
}

/** Renders headless to SVG (no DOM, no canvas); throws on a dataflow or render error. */
export async function renderSvg(vg: vega.Spec): Promise<{ svg: string; warnings: string[] }> {
  const warnings: string[] = [];
  const view = new vega.View(vega.parse(vg), { renderer: 'none' });
  view.logger({
    level: (() => view.logger()) as vega.LoggerInterface['level'],
    error: (...a: unknown[]) => {
      throw new Error(a.map(String).join(' '));
    },
    warn: (...a: unknown[]) => (warnings.push(a.map(String).join(' ')), view.logger()),
    info: () => view.logger(),
    debug: () => view.logger(),
  } as vega.LoggerInterface);
  const svg = await view.toSVG();
  view.finalize();
  return { svg, warnings };
}

/** Every `field` a spec encodes or facets by (data rows are not looked into). */
export function encodedFields(spec: unknown): string[] {
  const out: string[] = [];
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object') {
      for (const [k, v] of Object.entries(x)) {
        if (k === 'data') continue;
        if (k === 'field' && typeof v === 'string') out.push(v);
        else walk(v);
      }
    }
  };
  walk(spec);
  return out;
}

/** The spec's inline rows. */
export const rowsOf = (spec: TopLevelSpec): Record<string, unknown>[] =>
  ((spec as { data?: { values?: unknown } }).data?.values ?? []) as Record<string, unknown>[];
