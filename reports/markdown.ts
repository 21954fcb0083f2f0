// The Markdown summary (`npm run report` writes it beside the HTML; `--markdown
// FILE` chooses where): short enough for a CI job page or a pull request comment.

import { tally, verdict } from '../conformance/matrix.ts';
import type { Source } from './model.ts';
import { formatRatio, formatUs, narrative, orderRuntimes, timed, workloadsOf } from './narrative.ts';
import type { Results } from './schema.ts';

/** A cell of a Markdown table: pipes and newlines would break the row. */
export function mdCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function mdTable(head: string[], rows: string[][]): string {
  return [
    `| ${head.map(mdCell).join(' | ')} |`,
    `|${head.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`,
    ...rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`),
  ].join('\n');
}

function perCall(results: Results): string {
  const workloads = workloadsOf(results);
  const rows = orderRuntimes(results.runs.map((r) => r.runtime)).map((rt) => [
    rt,
    ...workloads.map((w) => {
      const run = results.runs.find((r) => r.runtime === rt && r.workload === w);
      if (!run) return '–';
      if (!run.verified) return 'not verified';
      if (!run.micro) return 'verified';
      const us = run.micro.latencyNs.mean / 1000;
      const native = timed(results, 'native', w);
      const ratio = native && rt !== 'native' ? ` (${formatRatio(us / (native.micro!.latencyNs.mean / 1000))})` : '';
      return `${formatUs(us)}${ratio}`;
    }),
  ]);
  return `µs per call (× native), lower is better:\n\n${mdTable(['runtime', ...workloads], rows)}`;
}

function load(results: Results): string | undefined {
  if (!results.runs.some((r) => r.load)) return undefined;
  const workloads = workloadsOf(results).filter((w) => results.runs.some((r) => r.workload === w && r.load));
  const bare = (results.baseline as { loadByWorkload?: Record<string, { requestsPerSec: number }> } | undefined)?.loadByWorkload;
  const rows = orderRuntimes(results.runs.map((r) => r.runtime)).map((rt) => [
    rt,
    ...workloads.map((w) => {
      const l = results.runs.find((r) => r.runtime === rt && r.workload === w)?.load;
      if (!l) return '–';
      const trouble = l.errors > 0 || ((l as { unexpected?: number }).unexpected ?? 0) > 0 ? ' ⚠' : '';
      return `${Math.round(l.requestsPerSec)} / ${l.latencyMs.p99.toFixed(2)}${trouble}`;
    }),
  ]);
  if (bare) rows.push(['bare ceiling', ...workloads.map((w) => (bare[w] ? `${Math.round(bare[w]!.requestsPerSec)}` : '–'))]);
  return `Under load, req/s / p99 ms (⚠: errors or unexpected statuses):\n\n${mdTable(['runtime', ...workloads], rows)}`;
}

function conformance(results: Results): string | undefined {
  if (!results.conformance?.length) return undefined;
  const runtimes = orderRuntimes(results.conformance.map((c) => c.runtime));
  return `Conformance:\n\n${tally(results.conformance, runtimes)
    .map((t) => `- ${t.runtime}: ${verdict(t)}`)
    .join('\n')}`;
}

export function summaryMarkdown(sources: Source[], options: { title?: string; htmlPath?: string } = {}): string {
  const out: string[] = [`# ${options.title ?? 'plugbench report'}`];
  if (options.htmlPath) out.push(`Full report: \`${options.htmlPath}\``);
  for (const s of sources) {
    const e = s.results.environment;
    out.push(
      `## ${s.label}`,
      `${e.cpu}, ${e.cores} cores, ${e.os}, Node ${e.node}; commit \`${e.commit}\`; ${e.date}; profile ${s.results.config.profile}.`,
    );
    const says = narrative(s.results);
    if (says.length) out.push(says.map((n) => `**${n.heading}**\n\n${n.sentences.map((x) => `- ${x}`).join('\n')}`).join('\n\n'));
    if (s.results.runs.some((r) => r.micro)) out.push(perCall(s.results));
    const l = load(s.results);
    if (l) out.push(l);
    const c = conformance(s.results);
    if (c) out.push(c);
  }
  return out.join('\n\n') + '\n';
}
