// What a report is drawn from: one or more results files, each labelled by the
// environment it was measured in (machine, Node, commit), so a merged report
// can put several machines or Node versions side by side.

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { RESULTS_SCHEMA, type Results } from './schema.ts';

export interface Source {
  /** Short, unique within one report: "Node v20.20.2 · AMD EPYC ×2 · a5b7d49". */
  label: string;
  /** The file it came from (as given), for captions and error messages. */
  file: string;
  results: Results;
}

export class ResultsFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'ResultsFileError';
  }
}

/** Reads and checks one results file; every error names the file and what is wrong. */
export function readResultsFile(file: string): Results {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ResultsFileError(file, `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ResultsFileError(file, `is not JSON (${(err as Error).message})`);
  }
  return checkResults(value, file);
}

/** Structural check of the parts a report reads; extra fields are welcome (DESIGN §6). */
export function checkResults(value: unknown, file: string): Results {
  const fail = (message: string): never => {
    throw new ResultsFileError(file, message);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('is not a results object');
  const r = value as Record<string, unknown>;
  if (r.schema !== RESULTS_SCHEMA) fail(`schema is ${JSON.stringify(r.schema)}, expected "${RESULTS_SCHEMA}"`);
  const env = r.environment as Record<string, unknown> | undefined;
  if (typeof env !== 'object' || env === null) fail('has no "environment"');
  for (const key of ['cpu', 'os', 'node', 'commit', 'date'] as const) {
    if (typeof env![key] !== 'string') fail(`environment.${key} is missing or not a string`);
  }
  if (typeof env!.cores !== 'number') fail('environment.cores is missing or not a number');
  if (typeof r.config !== 'object' || r.config === null) fail('has no "config"');
  if (!Array.isArray(r.runs)) fail('"runs" is missing or not an array');
  (r.runs as unknown[]).forEach((run, i) => {
    const x = run as Record<string, unknown>;
    if (typeof x?.runtime !== 'string' || typeof x.workload !== 'string' || typeof x.verified !== 'boolean') {
      fail(`runs[${i}] needs string "runtime", string "workload" and boolean "verified"`);
    }
    const micro = x.micro as Record<string, unknown> | undefined;
    if (micro !== undefined && (typeof micro.latencyNs !== 'object' || typeof (micro.latencyNs as Record<string, unknown>)?.mean !== 'number')) {
      fail(`runs[${i}] (${x.runtime} × ${x.workload}): micro.latencyNs.mean is missing`);
    }
  });
  for (const key of ['conformance', 'isolation'] as const) {
    if (r[key] !== undefined && !Array.isArray(r[key])) fail(`"${key}" is not an array`);
  }
  return value as Results;
}

function shortCommit(commit: string): string {
  const dirty = commit.endsWith('-dirty');
  const hash = commit.replace(/-dirty$/, '');
  return /^[0-9a-f]{12,}$/.test(hash) ? hash.slice(0, 7) + (dirty ? '+' : '') : commit;
}

/** The environment in a few words: what differs between machines or Node versions. */
export function environmentLabel(results: Results): string {
  const e = results.environment;
  return `Node ${e.node} · ${e.cpu} ×${e.cores} · ${shortCommit(e.commit)}`;
}

/**
 * Sources for the given files, labelled by environment; files measured in the
 * same environment get their date (then their file name) added, so every label
 * is unique.
 */
export function labelSources(files: { file: string; results: Results }[]): Source[] {
  const base = files.map((f) => environmentLabel(f.results));
  const withDate = files.map((f, i) =>
    base.filter((b) => b === base[i]).length > 1 ? `${base[i]} · ${f.results.environment.date.slice(0, 16).replace('T', ' ')}` : base[i]!,
  );
  return files.map((f, i) => ({
    file: f.file,
    results: f.results,
    label: withDate.filter((l) => l === withDate[i]).length > 1 ? `${withDate[i]} · ${basename(f.file)}` : withDate[i]!,
  }));
}

/**
 * Files measured in one environment (same machine, Node and commit) that hold
 * different parts — a bench run and a conformance run, say — become one source,
 * so one report shows a runtime's speed beside its certification. Files that
 * overlap (two bench runs of the same pairs) stay separate sources.
 */
export function combineSameEnvironment(files: { file: string; results: Results }[]): { file: string; results: Results }[] {
  const out: { file: string; results: Results }[] = [];
  for (const f of files) {
    const twin = out.find((o) => environmentLabel(o.results) === environmentLabel(f.results) && disjoint(o.results, f.results));
    if (!twin) {
      out.push({ file: f.file, results: f.results });
      continue;
    }
    const a = twin.results;
    const b = f.results;
    twin.file = `${twin.file} + ${f.file}`;
    twin.results = {
      ...a,
      // Engines and notes: the union (a conformance run may name runtimes the bench did not select).
      environment: { ...a.environment, engines: { ...b.environment.engines, ...a.environment.engines } },
      config: a.runs.length >= b.runs.length ? a.config : b.config,
      baseline: a.baseline ?? b.baseline,
      runs: [...a.runs, ...b.runs],
      ...(a.conformance || b.conformance ? { conformance: [...(a.conformance ?? []), ...(b.conformance ?? [])] } : {}),
      ...(a.isolation || b.isolation ? { isolation: [...(a.isolation ?? []), ...(b.isolation ?? [])] } : {}),
    };
  }
  return out;
}

function disjoint(a: Results, b: Results): boolean {
  const pairs = new Set(a.runs.map((r) => `${r.runtime}\0${r.workload}`));
  if (b.runs.some((r) => pairs.has(`${r.runtime}\0${r.workload}`))) return false;
  if (a.conformance?.length && b.conformance?.length) return false;
  if (a.isolation?.length && b.isolation?.length) return false;
  if (a.baseline && b.baseline) return false;
  return true;
}

/** Reads, checks, combines (same environment, disjoint parts) and labels results files. */
export function readSources(files: string[]): Source[] {
  return labelSources(combineSameEnvironment(files.map((file) => ({ file, results: readResultsFile(file) }))));
}
