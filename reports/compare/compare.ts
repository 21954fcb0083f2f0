// Two results files, figure by figure: base (before) and head (after). Each
// figure gets the ratio head/base and, where the file keeps a spread for it,
// a confidence interval for that ratio and a verdict from it; where it keeps
// none, the verdict is "not tested" and `why` says so. The statistics are in
// stats.ts; which test fits which figure is decided by figures.ts (the spread
// each figure carries).

import type { Source } from '../model.ts';
import type { Results, RunResult } from '../schema.ts';
import { extractFigures, figureKey, isComparable, runKey, type Figure } from './figures.ts';
import { rangeSeparation, ratioOfMeans } from './stats.ts';

/** "slower" means worse for the figure: longer for times, fewer for req/s, more for bytes. */
export type Verdict = 'faster' | 'slower' | 'no significant change' | 'not tested';

export interface FigureComparison {
  runtime: string;
  workload: string;
  /** e.g. "micro mean", "micro mean 16 KiB", "cold start total", "memory rss/instance", "load req/s", "load p99". */
  figure: string;
  /** "ns/call", "ms", "bytes", "req/s". */
  unit: string;
  base: number;
  head: number;
  /** head / base; for lower-is-better figures > 1 is slower. NaN when base is 0 (or not finite) and head differs. */
  ratio: number;
  /** Confidence interval for the ratio; present exactly when the figure was tested. */
  ci?: [number, number];
  /** Confidence of `ci` (the rank test's exact level can exceed the one asked for). */
  ciLevel?: number;
  verdict: Verdict;
  /** Why not tested, or what the test rests on. */
  why?: string;
  /** Which test gave the verdict. */
  method: 'welch-log-ratio' | 'rank-separation' | 'none';
  betterIs: 'lower' | 'higher';
}

export interface NotCompared {
  runtime: string;
  workload: string;
  side: 'base' | 'head' | 'both';
  /** "not verified" or the run's error. */
  reason: string;
}

export interface ComparisonResult {
  /** The confidence the intervals were asked for. */
  confidence: number;
  figures: FigureComparison[];
  /** Comparable runs only in base ("runtime × workload"), and figures only in base of runs in both, grouped: "cold start total, cold start load: native × noop, lua × noop". */
  onlyInBase: string[];
  onlyInHead: string[];
  /** Runs left out because they are unverified or errored on one side or both. */
  notCompared: NotCompared[];
  /** "node: v20.1.0 → v22.3.0", "engines.lua: … → …", "config.profile: quick → default": what makes the numbers less comparable. */
  environmentDiffers: string[];
}

export interface CompareOptions {
  /** Confidence of the intervals, 0 < c < 1 (default 0.95). */
  confidence?: number;
}

function verdictFromInterval(ci: [number, number], betterIs: 'lower' | 'higher'): Verdict {
  const worse = betterIs === 'lower' ? ci[0] > 1 : ci[1] < 1;
  const better = betterIs === 'lower' ? ci[1] < 1 : ci[0] > 1;
  return worse ? 'slower' : better ? 'faster' : 'no significant change';
}

function plainRatio(base: number, head: number): number {
  if (base === head) return 1;
  return base > 0 && Number.isFinite(base) && Number.isFinite(head) ? head / base : NaN;
}

const pct = (x: number) => `${+(x * 100).toFixed(2)} %`;

/** One figure present on both sides. */
export function compareFigure(b: Figure, h: Figure, confidence = 0.95): FigureComparison {
  const common = {
    runtime: b.runtime,
    workload: b.workload,
    figure: b.figure,
    unit: b.unit,
    base: b.value,
    head: h.value,
    betterIs: b.betterIs,
  };
  const untested = (why: string): FigureComparison => ({ ...common, ratio: plainRatio(b.value, h.value), verdict: 'not tested', why, method: 'none' });

  const bs = b.spread;
  const hs = h.spread;
  if (bs.kind === 'none') return untested(bs.why);
  if (hs.kind === 'none') return untested(hs.why);
  if (!(b.value > 0 && h.value > 0)) return untested('a value is 0 or negative: a ratio test needs positive values');

  if (bs.kind === 'mean' && hs.kind === 'mean') {
    // Both margins 0 (every sample identical, e.g. timer resolution): a zero-width interval would call any difference significant.
    if (!(bs.rme > 0 || hs.rme > 0)) return untested('no spread recorded: margin of error 0 on both sides');
    const r = ratioOfMeans({ mean: b.value, rme: bs.rme, n: bs.n }, { mean: h.value, rme: hs.rme, n: hs.n }, confidence);
    return {
      ...common,
      ratio: r.ratio,
      ci: r.ci,
      ciLevel: confidence,
      verdict: verdictFromInterval(r.ci, b.betterIs),
      why: `Welch t on log means, ${bs.n} vs ${hs.n} samples (±${bs.rme.toFixed(2)} % vs ±${hs.rme.toFixed(2)} %)`,
      method: 'welch-log-ratio',
    };
  }

  if (bs.kind === 'median' && hs.kind === 'median') {
    if (!(bs.min > 0 && hs.min > 0)) return untested('a run took 0 ms or less: no ratio interval');
    const s = rangeSeparation({ median: b.value, min: bs.min, max: bs.max, n: bs.n }, { median: h.value, min: hs.min, max: hs.max, n: hs.n });
    if (s.level < confidence) {
      const seen = s.separated === 'overlap' ? 'runs overlap' : `every head run ${s.separated === 'head higher' ? 'above' : 'below'} every base run (p = ${s.p!.toFixed(2)})`;
      return untested(`${bs.n} vs ${hs.n} runs: the rank test reaches ${pct(s.level)} at best, below ${pct(confidence)}; ${seen}`);
    }
    return {
      ...common,
      ratio: s.ratio,
      ci: s.interval,
      ciLevel: s.level,
      verdict: verdictFromInterval(s.interval, b.betterIs),
      why:
        s.separated === 'overlap'
          ? `rank test on ${bs.n} vs ${hs.n} runs: ranges overlap`
          : `rank test on ${bs.n} vs ${hs.n} runs: every head run ${s.separated === 'head higher' ? 'above' : 'below'} every base run, p = ${s.p!.toPrecision(2)}`,
      method: 'rank-separation',
    };
  }
  return untested('the two files keep different kinds of spread for this figure');
}

function runStatus(run: RunResult): string | undefined {
  if (run.error !== undefined) return run.error.split('\n')[0]!;
  if (!run.verified) return 'not verified';
  return undefined;
}

/** Flattens nested config values into "a.b" → JSON text. */
function flatten(value: unknown, prefix: string, out: Map<string, string>): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.set(prefix, typeof value === 'string' ? value : JSON.stringify(value));
  }
}

/**
 * What differs between the two environments and configurations, other than
 * commit and date (which are expected to differ). The same machine with a
 * different Node, engine or profile makes a "slower" less about the change
 * under test.
 */
export function environmentDifferences(base: Results, head: Results): string[] {
  const out: string[] = [];
  const a = new Map<string, string>();
  const b = new Map<string, string>();
  const pick = (r: Results) => ({ cpu: r.environment.cpu, cores: r.environment.cores, os: r.environment.os, node: r.environment.node, engines: r.environment.engines ?? {} });
  flatten(pick(base), '', a);
  flatten(pick(head), '', b);
  flatten(base.config, 'config', a);
  flatten(head.config, 'config', b);
  const keys = [...new Set([...a.keys(), ...b.keys()])];
  for (const k of keys) {
    const x = a.get(k);
    const y = b.get(k);
    if (x !== y) out.push(`${k}: ${x ?? '(none)'} → ${y ?? '(none)'}`);
  }
  return out;
}

/**
 * Figures found on one side only, told compactly: a run missing as a whole is
 * "runtime × workload"; figures missing from runs present on both sides are
 * grouped by the set missing, "load req/s, load p50, load p99: native × noop,
 * lua × noop" (a head run with --no-load would otherwise list every run three
 * times).
 */
class Missing {
  private readonly whole = new Set<string>();
  private readonly partial = new Map<string, string[]>();
  add(run: string, figure: string | undefined): void {
    if (figure === undefined) this.whole.add(run);
    else this.partial.set(run, [...(this.partial.get(run) ?? []), figure]);
  }
  lines(): string[] {
    const groups = new Map<string, string[]>();
    for (const [run, figs] of this.partial) groups.set(figs.join(', '), [...(groups.get(figs.join(', ')) ?? []), run]);
    return [...this.whole, ...[...groups].map(([figs, runs]) => `${figs}: ${runs.join(', ')}`)];
  }
}

export function compareResults(base: Source, head: Source, options: CompareOptions = {}): ComparisonResult {
  const confidence = options.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be between 0 and 1, got ${confidence}`);

  // Runs left out on either side.
  const status = (r: Results) => new Map(r.runs.map((run) => [runKey(run.runtime, run.workload), { run, bad: runStatus(run) }]));
  const bRuns = status(base.results);
  const hRuns = status(head.results);
  const notCompared: NotCompared[] = [];
  const excluded = new Set<string>();
  for (const key of new Set([...bRuns.keys(), ...hRuns.keys()])) {
    const x = bRuns.get(key);
    const y = hRuns.get(key);
    if (!x?.bad && !y?.bad) continue;
    const run = (x ?? y)!.run;
    const side = x?.bad && y?.bad ? 'both' : x?.bad ? 'base' : 'head';
    const reason = side === 'both' ? (x!.bad === y!.bad ? x!.bad! : `base: ${x!.bad}; head: ${y!.bad}`) : (x?.bad ?? y?.bad)!;
    notCompared.push({ runtime: run.runtime, workload: run.workload, side, reason });
    excluded.add(key);
  }

  const bFigs = extractFigures(base.results);
  const hFigs = extractFigures(head.results);
  const hByKey = new Map(hFigs.map((f) => [figureKey(f), f]));
  const bByKey = new Map(bFigs.map((f) => [figureKey(f), f]));
  const bRunKeys = new Set(bFigs.map((f) => runKey(f.runtime, f.workload)));
  const hRunKeys = new Set(hFigs.map((f) => runKey(f.runtime, f.workload)));

  const figures: FigureComparison[] = [];
  const onlyInBase = new Missing();
  const onlyInHead = new Missing();
  for (const f of bFigs) {
    const h = hByKey.get(figureKey(f));
    if (h) figures.push(compareFigure(f, h, confidence));
    else {
      const rk = runKey(f.runtime, f.workload);
      if (!excluded.has(rk)) onlyInBase.add(rk, hRunKeys.has(rk) ? f.figure : undefined);
    }
  }
  for (const f of hFigs) {
    if (bByKey.has(figureKey(f))) continue;
    const rk = runKey(f.runtime, f.workload);
    if (!excluded.has(rk)) onlyInHead.add(rk, bRunKeys.has(rk) ? f.figure : undefined);
  }

  return {
    confidence,
    figures,
    onlyInBase: onlyInBase.lines(),
    onlyInHead: onlyInHead.lines(),
    notCompared,
    environmentDiffers: environmentDifferences(base.results, head.results),
  };
}

/**
 * The figures that fail `--fail-on-regression PCT`: significantly worse (the
 * test's verdict is "slower") AND worse by more than pct percent even at the
 * favourable end of the interval: for lower-is-better figures the CI's lower
 * bound above 1 + pct/100, for higher-is-better ones (req/s) its upper bound
 * below 1 − pct/100. The test says the change is not noise; the threshold says
 * it is large enough to matter (with a huge sample count, a 0.3 % change can
 * be significant). Untested figures never count.
 */
export function regressions(figures: readonly FigureComparison[], pctThreshold: number): FigureComparison[] {
  if (!(pctThreshold >= 0)) throw new RangeError(`regression threshold must be a percentage ≥ 0, got ${pctThreshold}`);
  const t = pctThreshold / 100;
  return figures.filter(
    (f) => f.verdict === 'slower' && f.ci !== undefined && (f.betterIs === 'lower' ? f.ci[0] > 1 + t : f.ci[1] < 1 - t),
  );
}

/** Counts per verdict, for a summary line. */
export function verdictCounts(figures: readonly FigureComparison[]): Record<Verdict, number> {
  const counts: Record<Verdict, number> = { faster: 0, slower: 0, 'no significant change': 0, 'not tested': 0 };
  for (const f of figures) counts[f.verdict]++;
  return counts;
}
