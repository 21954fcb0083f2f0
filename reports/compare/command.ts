// `npm run report -- --compare BASE HEAD`: the comparison as an HTML page (a
// ratio chart with confidence intervals, then every figure in a table) and as
// Markdown; the exit status for --fail-on-regression.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import type { Chart } from '../charts/chart.ts';
import { esc, figure, page, table, type CellLike } from '../html/html.ts';
import type { Source } from '../model.ts';
import type { ReportOptions } from '../options.ts';
import { markdownPathFor } from '../write.ts';
import { compareResults, regressions, verdictCounts, type ComparisonResult, type FigureComparison } from './compare.ts';
import { compareMarkdown, formatRatio, formatValue } from './markdown.ts';

const VERDICT_CLASS: Record<string, string> = { faster: 'ok', slower: 'bad', 'no significant change': '', 'not tested': 'warn' };

/**
 * One row per tested figure: the ratio head/base with its interval, on a log
 * axis centred on 1. Figures where higher is better (req/s) are flipped to
 * base/head so that right of 1 always means worse.
 */
function ratioChart(result: ComparisonResult): Chart | undefined {
  const rows = result.figures
    .filter((f) => f.ci && Number.isFinite(f.ratio))
    .map((f) => {
      const flip = f.betterIs === 'higher';
      const [lo, hi] = f.ci!;
      return {
        figure: `${f.runtime} × ${f.workload} · ${f.figure}`,
        worse: flip ? 1 / f.ratio : f.ratio,
        low: flip ? 1 / hi : lo,
        high: flip ? 1 / lo : hi,
        verdict: f.verdict,
      };
    });
  if (rows.length === 0) return undefined;
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Head versus base, per tested figure', subtitle: 'time ratio head/base (throughput: base/head); right of 1 is worse' },
    data: { values: rows },
    width: 560,
    height: { step: 14 },
    layer: [
      { mark: { type: 'rule', color: '#888', strokeDash: [4, 3] }, encoding: { x: { datum: 1 } } },
      {
        mark: { type: 'errorbar', ticks: true },
        encoding: {
          y: { field: 'figure', type: 'nominal', sort: null, title: null, axis: { labelLimit: 320 } },
          x: { field: 'low', type: 'quantitative', scale: { type: 'log' }, title: 'ratio (log scale)' },
          x2: { field: 'high' },
        },
      },
      {
        mark: { type: 'point', filled: true },
        encoding: {
          y: { field: 'figure', type: 'nominal', sort: null },
          x: { field: 'worse', type: 'quantitative' },
          color: {
            field: 'verdict',
            type: 'nominal',
            scale: { domain: ['faster', 'no significant change', 'slower'], range: ['#1a7f37', '#888888', '#b42318'] },
            title: 'verdict',
          },
          tooltip: [
            { field: 'figure', type: 'nominal' },
            { field: 'worse', type: 'quantitative', title: 'ratio', format: '.3f' },
            { field: 'low', type: 'quantitative', title: 'CI low', format: '.3f' },
            { field: 'high', type: 'quantitative', title: 'CI high', format: '.3f' },
            { field: 'verdict', type: 'nominal' },
          ],
        },
      },
    ],
  };
  return {
    id: 'compare-ratios',
    title: 'Head versus base, per tested figure',
    caption: `Each point is a ratio with its ${Math.round(result.confidence * 100)}% confidence interval (micro: Welch's t on log means; cold start: exact rank test). Right of the dashed line at 1 is worse. Figures without a spread to test (memory slopes, single load runs) are in the table only.`,
    spec,
  };
}

function figureRows(figures: FigureComparison[], confidence: number): CellLike[][] {
  return figures.map((f) => [
    `${f.runtime} × ${f.workload}`,
    f.figure,
    { html: esc(formatValue(f.base, f.unit)), className: 'num' },
    { html: esc(formatValue(f.head, f.unit)), className: 'num' },
    { html: esc(formatRatio(f, confidence)), className: 'num' },
    { html: esc(f.verdict), className: VERDICT_CLASS[f.verdict] ?? '', ...(f.why ? { title: f.why } : {}) },
  ]);
}

export function renderCompare(base: Source, head: Source, result: ComparisonResult, options: { regressionPct?: number; title?: string } = {}): string {
  const title = options.title ?? 'plugbench comparison';
  const counts = verdictCounts(result.figures);
  const chart = ratioChart(result);
  const env = result.environmentDiffers.length
    ? `<p class="bad">The environments differ, so a change may come from these as much as from the code:</p><ul>${result.environmentDiffers.map((d) => `<li>${esc(d)}</li>`).join('')}</ul>`
    : '<p>Same machine, Node, engines and configuration (commit and date are not compared).</p>';
  const reg =
    options.regressionPct === undefined
      ? ''
      : (() => {
          const r = regressions(result.figures, options.regressionPct);
          return r.length === 0
            ? `<p class="ok">No regression beyond ${options.regressionPct}%.</p>`
            : `<p class="bad">${r.length} regression(s) beyond ${options.regressionPct}%:</p><ul>${r.map((f) => `<li>${esc(`${f.runtime} × ${f.workload} · ${f.figure}: ${formatRatio(f, result.confidence)}`)}</li>`).join('')}</ul>`;
        })();
  const significant = result.figures.filter((f) => f.verdict === 'faster' || f.verdict === 'slower');
  const headRow = ['runtime × workload', 'figure', 'base', 'head', `ratio [${Math.round(result.confidence * 100)}% CI]`, 'verdict'];
  const missing = [
    ...result.notCompared.map((n) => `${n.runtime} × ${n.workload} (${n.side}): ${n.reason}`),
    ...result.onlyInBase.map((k) => `only in base: ${k}`),
    ...result.onlyInHead.map((k) => `only in head: ${k}`),
  ];
  const body = [
    `<section id="summary"><h2>Summary</h2>${env}<p><strong>${result.figures.length} figures</strong>: ${counts.faster} faster, ${counts.slower} slower, ${counts['no significant change']} no significant change, ${counts['not tested']} not tested (no spread to test; the ratio is still shown).</p>${reg}
<p class="note">The intervals cover the noise within each run. Two runs on a shared machine also differ by the machine's mood, so a small significant change is not necessarily a code change: that is what --fail-on-regression's threshold is for.</p></section>`,
    chart ? `<section id="charts"><h2>Chart</h2>${figure(chart)}</section>` : '',
    `<section id="significant"><h2>Significant changes</h2>${significant.length ? table(headRow, figureRows(significant, result.confidence)) : '<p>None.</p>'}</section>`,
    `<section id="all"><h2>Every figure</h2><details><summary>${result.figures.length} figures</summary>${table(headRow, figureRows(result.figures, result.confidence))}</details></section>`,
    missing.length ? `<section id="missing"><h2>Not compared</h2><ul>${missing.map((m) => `<li>${esc(m)}</li>`).join('')}</ul></section>` : '',
  ].join('\n');
  const headHtml = `<h1>${esc(title)}</h1><ul class="sources"><li><strong>base</strong>: ${esc(base.label)} — <code>${esc(base.file)}</code></li><li><strong>head</strong>: ${esc(head.label)} — <code>${esc(head.file)}</code></li></ul>`;
  return page({ title, head: headHtml, body, charts: chart ? [chart] : [] });
}

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** Writes the comparison's HTML and Markdown; returns the exit status (1: a regression beyond --fail-on-regression). */
export function runCompare(base: Source, head: Source, options: ReportOptions): number {
  const result = compareResults(base, head);
  const html = options.out ?? head.file.replace(/\.json$/i, '') + '.compare.html';
  const markdown = options.markdown ?? markdownPathFor(html);
  write(html, renderCompare(base, head, result, { regressionPct: options.failOnRegressionPct, title: options.title }));
  write(markdown, compareMarkdown(base, head, result, { regressionPct: options.failOnRegressionPct }));
  const counts = verdictCounts(result.figures);
  process.stdout.write(
    `${result.figures.length} figures: ${counts.faster} faster, ${counts.slower} slower, ${counts['no significant change']} no significant change, ${counts['not tested']} not tested\n`,
  );
  for (const p of [html, markdown]) process.stdout.write(`${relative(process.cwd(), p)}\n`);
  if (options.failOnRegressionPct === undefined) return 0;
  const reg = regressions(result.figures, options.failOnRegressionPct);
  for (const f of reg) {
    process.stderr.write(`report: regression beyond ${options.failOnRegressionPct}%: ${f.runtime} × ${f.workload} · ${f.figure} ${formatRatio(f, result.confidence)}\n`);
  }
  return reg.length > 0 ? 1 : 0;
}
