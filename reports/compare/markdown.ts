// The comparison as GitHub-flavoured Markdown (a PR comment, a job summary):
// what differs between the environments first, because it qualifies every
// number after it; then the significant changes; then everything, folded.

import type { Source } from '../model.ts';
import { regressions, verdictCounts, type ComparisonResult, type FigureComparison } from './compare.ts';

/** A number in its unit, scaled for reading (ns → µs → ms, bytes → KiB → MiB). */
export function formatValue(value: number, unit: string): string {
  if (!Number.isFinite(value)) return '—';
  const sig = (x: number) => (Math.abs(x) >= 1000 ? Math.round(x).toLocaleString('en-US') : Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3));
  switch (unit) {
    case 'ns/call':
    case 'ns': {
      const a = Math.abs(value);
      if (a >= 1e6) return `${sig(value / 1e6)} ms`;
      if (a >= 1e3) return `${sig(value / 1e3)} µs`;
      return `${sig(value)} ns`;
    }
    case 'ms':
      return Math.abs(value) < 1 ? `${sig(value * 1e3)} µs` : `${sig(value)} ms`;
    case 'bytes': {
      const a = Math.abs(value);
      if (a >= 1024 * 1024) return `${sig(value / 1024 / 1024)} MiB`;
      if (a >= 1024) return `${sig(value / 1024)} KiB`;
      return `${Math.round(value)} B`;
    }
    case 'req/s':
      return `${Math.round(value).toLocaleString('en-US')} req/s`;
    default:
      return `${sig(value)} ${unit}`;
  }
}

const pct = (x: number) => `${+(x * 100).toFixed(2)} %`;

/** "1.100 [1.085, 1.115]"; the interval's level is added when it is not the one asked for. */
export function formatRatio(f: FigureComparison, confidence: number): string {
  if (!Number.isFinite(f.ratio)) return '—';
  const r = f.ratio.toFixed(3);
  if (!f.ci) return r;
  const level = f.ciLevel !== undefined && Math.abs(f.ciLevel - confidence) > 1e-9 ? ` (${pct(f.ciLevel)})` : '';
  return `${r} [${f.ci[0].toFixed(3)}, ${f.ci[1].toFixed(3)}]${level}`;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function table(rows: readonly FigureComparison[], confidence: number, withWhy: boolean): string {
  const head = ['runtime', 'workload', 'figure', 'base', 'head', `ratio [${pct(confidence)} CI]`, 'verdict', ...(withWhy ? ['note'] : [])];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((h, i) => (i >= 3 && i <= 5 ? ' ---: ' : ' --- ')).join('|')}|`];
  for (const f of rows) {
    const cells = [
      f.runtime,
      f.workload,
      f.figure,
      formatValue(f.base, f.unit),
      formatValue(f.head, f.unit),
      formatRatio(f, confidence),
      f.verdict,
      ...(withWhy ? [f.why ?? ''] : []),
    ];
    lines.push(`| ${cells.map(cell).join(' | ')} |`);
  }
  return lines.join('\n');
}

export interface CompareMarkdownOptions {
  /** Adds the --fail-on-regression verdict: which figures are worse by more than this many percent. */
  regressionPct?: number;
}

export function compareMarkdown(base: Source, head: Source, result: ComparisonResult, options: CompareMarkdownOptions = {}): string {
  const { confidence } = result;
  const out: string[] = [];
  out.push('## plugbench comparison', '');
  out.push(`- **base**: ${cell(base.label)} (\`${base.file}\`)`);
  out.push(`- **head**: ${cell(head.label)} (\`${head.file}\`)`, '');

  if (result.environmentDiffers.length > 0) {
    out.push('> **The environments differ**, so a change below may come from these as much as from the code:');
    for (const d of result.environmentDiffers) out.push(`> - ${d}`);
  } else {
    out.push('Same machine, Node, engines and configuration (commit and date are not compared).');
  }
  out.push('');

  const c = verdictCounts(result.figures);
  out.push(
    `**${result.figures.length} figures** at ${pct(confidence)} confidence: ${c.faster} faster, ${c.slower} slower, ` +
      `${c['no significant change']} no significant change, ${c['not tested']} not tested.`,
  );
  if (options.regressionPct !== undefined) {
    const reg = regressions(result.figures, options.regressionPct);
    out.push(
      '',
      reg.length === 0
        ? `**No regression** beyond ${options.regressionPct} %.`
        : `**${reg.length} regression${reg.length === 1 ? '' : 's'}** beyond ${options.regressionPct} % (significantly slower, and by more than ${options.regressionPct} % at the interval's near end):\n\n` +
            reg.map((f) => `- ${f.runtime} × ${f.workload} · ${f.figure}: ${formatRatio(f, confidence)}`).join('\n'),
    );
  }
  out.push('');

  const significant = result.figures.filter((f) => f.verdict === 'faster' || f.verdict === 'slower');
  out.push('### Significant changes', '');
  out.push(significant.length > 0 ? table(significant, confidence, false) : 'None.', '');

  if (result.notCompared.length > 0) {
    out.push('### Not compared (unverified or failed runs)', '');
    for (const n of result.notCompared) out.push(`- ${n.runtime} × ${n.workload} (${n.side}): ${cell(n.reason)}`);
    out.push('');
  }
  for (const [title, list] of [
    ['Only in base', result.onlyInBase],
    ['Only in head', result.onlyInHead],
  ] as const) {
    if (list.length === 0) continue;
    out.push(`### ${title}`, '');
    for (const k of list) out.push(`- ${k}`);
    out.push('');
  }

  out.push('<details><summary>All figures</summary>', '', table(result.figures, confidence, true), '', '</details>', '');
  out.push(
    '<sub>ratio = head / base. Micro means: Welch t on log means, standard errors from tinybench\'s margin of error ' +
      '(within-run noise only). Cold start: exact rank test from min and max, significant only when every head run is ' +
      'beyond every base run; the interval is the smallest to largest pairwise ratio. Memory slopes and HTTP load are ' +
      'single measurements: not tested, ratio shown. "slower" means worse: longer, fewer req/s, more bytes.</sub>',
  );
  return out.join('\n') + '\n';
}
