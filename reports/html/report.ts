// The HTML report (`npm run report`, and beside every `npm run bench` results
// file): one self-contained page — charts, "what this says", the conformance
// and isolation matrices, the environment and the config — from one or more
// labelled results files.

import { tally, verdict } from '../../conformance/matrix.ts';
import type { Chart } from '../charts/chart.ts';
import { allCharts } from '../charts/index.ts';
import type { Source } from '../model.ts';
import { formatBytes, formatRatio, formatUs, narrative, orderRuntimes, timed, workloadsOf } from '../narrative.ts';
import type { Results, RunResult } from '../schema.ts';
import { esc, figure, page, table, type Cell, type CellLike } from './html.ts';

const num = (html: string, title?: string): Cell => ({ html, className: 'num', ...(title ? { title } : {}) });

function heading(sources: Source[], title: string): string {
  const lines = sources.map(
    (s) =>
      `<li><strong>${esc(s.label)}</strong> — ${esc(s.results.config.profile)} profile, ${esc(s.results.environment.date.replace('T', ' ').slice(0, 19))} UTC, from <code>${esc(s.file)}</code></li>`,
  );
  return `<h1>${esc(title)}</h1>
<p class="sub">Same filters, one ABI, every runtime: per-call latency, load, memory, cold start, conformance and isolation, measured in ${sources.length === 1 ? 'one run' : `${sources.length} runs, labelled by environment`}.</p>
<ul class="sources">${lines.join('\n')}</ul>`;
}

function sectionsOf(sources: Source[], chartCount: number): Array<[string, string]> {
  const any = (f: (r: Results) => boolean) => sources.some((s) => f(s.results));
  const out: Array<[string, string]> = [['says', 'What this says']];
  if (any((r) => r.runs.some((x) => x.micro))) out.push(['per-call', 'Per-call latency']);
  if (chartCount > 0) out.push(['charts', 'Charts']);
  if (any((r) => r.runs.some((x) => x.load))) out.push(['load', 'Under load']);
  if (any((r) => r.runs.some((x) => x.coldStart || x.memory))) out.push(['footprint', 'Cold start and memory']);
  if (any((r) => (r.conformance?.length ?? 0) > 0)) out.push(['conformance', 'Conformance']);
  if (any((r) => (r.isolation?.length ?? 0) > 0)) out.push(['isolation', 'Isolation']);
  out.push(['environment', 'Environment'], ['config', 'Configuration']);
  return out;
}

/** Prefix with the source's label only when the report merges several. */
function perSource(sources: Source[], render: (s: Source) => string, has: (r: Results) => boolean = () => true): string {
  return sources
    .filter((s) => has(s.results))
    .map((s) => (sources.length > 1 ? `<h3>${esc(s.label)}</h3>\n` : '') + render(s))
    .join('\n');
}

function says(sources: Source[]): string {
  return perSource(sources, (s) => {
    const sections = narrative(s.results);
    if (sections.length === 0) return '<p class="note">Nothing was measured in this file.</p>';
    return sections.map((n) => `<h4>${esc(n.heading)}</h4>\n<ul class="says">${n.sentences.map((x) => `<li>${esc(x)}</li>`).join('\n')}</ul>`).join('\n');
  });
}

function runCell(run: RunResult | undefined, native: RunResult | undefined): CellLike {
  if (!run) return num('–');
  if (!run.verified) return { html: 'not verified', className: 'bad', title: run.error ?? '' };
  if (!run.micro) return { html: 'verified, not timed', className: 'warn' };
  const us = run.micro.latencyNs.mean / 1000;
  const base = native?.micro ? native.micro.latencyNs.mean / 1000 : undefined;
  const ratio = base && run.runtime !== 'native' ? ` <span class="mech">${formatRatio(us / base)} native</span>` : '';
  return num(
    `${formatUs(us)}${ratio}`,
    `${us.toPrecision(4)} µs per call ±${run.micro.rme.toFixed(2)}% (95% CI of the mean), ${run.micro.samples} samples of ${run.micro.callsPerSample} call(s); p99 ${formatUs(run.micro.latencyNs.p99 / 1000)} µs`,
  );
}

function perCallTable(results: Results): string {
  const workloads = workloadsOf(results);
  const runtimes = orderRuntimes(results.runs.map((r) => r.runtime));
  const rows = runtimes.map((rt) => [
    rt,
    ...workloads.map((w) =>
      runCell(
        results.runs.find((r) => r.runtime === rt && r.workload === w),
        timed(results, 'native', w),
      ),
    ),
  ]);
  return table(['runtime', ...workloads], rows, {
    caption: 'Mean µs per call (hover for the 95% CI, samples and p99); below it, the time relative to native in the same run. Lower is better.',
  });
}

interface LoadExtras {
  unexpected?: number;
  clientCpuPercent?: number;
  gatewayPeakRssBytes?: number;
  gatewayRssBeforeBytes?: number;
  servicePeakRssBytes?: number;
}

function loadTable(results: Results): string {
  const bare = (results.baseline as { loadByWorkload?: Record<string, { requestsPerSec: number }> } | undefined)?.loadByWorkload;
  const rows: CellLike[][] = [];
  for (const w of workloadsOf(results)) {
    for (const rt of orderRuntimes(results.runs.map((r) => r.runtime))) {
      const run = results.runs.find((r) => r.runtime === rt && r.workload === w && r.load);
      if (!run?.load) continue;
      const l = run.load;
      const x = l as typeof l & LoadExtras;
      const ceiling = bare?.[w]?.requestsPerSec ?? results.baseline?.load.requestsPerSec;
      const trouble = l.errors > 0 || (x.unexpected ?? 0) > 0;
      rows.push([
        `${rt} × ${w}`,
        num(Math.round(l.requestsPerSec).toString()),
        num(ceiling ? (l.requestsPerSec / ceiling).toFixed(2) : '–', ceiling ? `bare ceiling ${Math.round(ceiling)} req/s` : undefined),
        num(l.latencyMs.p50.toFixed(2)),
        num(l.latencyMs.p99.toFixed(2)),
        num(l.latencyMs.max.toFixed(1)),
        { html: `${l.errors} / ${x.unexpected ?? '–'}`, className: trouble ? 'num bad' : 'num ok' },
        num(x.clientCpuPercent !== undefined ? `${Math.round(x.clientCpuPercent)}%` : '–'),
        num(
          x.gatewayPeakRssBytes === undefined
            ? '–'
            : `${formatBytes(x.gatewayPeakRssBytes)}${x.gatewayRssBeforeBytes !== undefined ? ` <span class="mech">+${formatBytes(Math.max(0, x.gatewayPeakRssBytes - x.gatewayRssBeforeBytes))} in the row</span>` : ''}`,
          x.servicePeakRssBytes !== undefined ? `filter service process: peak ${formatBytes(x.servicePeakRssBytes)}` : undefined,
        ),
      ]);
    }
  }
  const first = results.runs.find((r) => r.load)?.load;
  return table(['runtime × workload', 'req/s', '× bare', 'p50 ms', 'p99 ms', 'max ms', 'errors / unexpected', 'client CPU', 'gateway peak RSS'], rows, {
    caption: first
      ? `HTTP load through the gateway, ${first.connections} connections, ${first.durationS} s per pair. "unexpected": statuses other than the reference's. Client CPU near 100% means the load generator, not the gateway, was the bottleneck. Gateway peak RSS is of the harness process that serves (it also holds every runtime opened so far); below it, the row's own growth; hover for the remote filter service's peak.`
      : undefined,
  });
}

function footprintTable(results: Results): string {
  const rows: CellLike[][] = results.runs
    .filter((r) => r.coldStart || r.memory || r.coldStartError || r.memoryError)
    .map((r) => {
      const c = r.coldStart;
      const m = r.memory;
      return [
        `${r.runtime} × ${r.workload}`,
        c ? num(c.loadMs.toFixed(2)) : { html: 'error', className: 'bad', title: r.coldStartError ?? '' },
        num(c ? c.instantiateMs.toFixed(3) : '–'),
        num(c ? c.firstCallMs.toFixed(3) : '–'),
        m ? num(formatBytes(m.bytesPerInstance.rss)) : { html: r.memoryError ? 'error' : '–', className: r.memoryError ? 'bad' : 'num', title: r.memoryError ?? '' },
        num(m ? formatBytes(m.bytesPerInstance.heap) : '–'),
        num(m ? formatBytes(m.bytesPerInstance.external) : '–'),
        num(m?.bytesPerInstance.engine !== undefined ? formatBytes(m.bytesPerInstance.engine) : '–'),
        num(m ? String(m.instances) : '–'),
      ];
    });
  return table(['runtime × workload', 'load ms', 'instantiate ms', 'first call ms', 'RSS / instance', 'heap / instance', 'external / instance', 'engine / instance', 'up to N instances'], rows, {
    caption: 'Cold start: medians over fresh processes (one per sample). Memory: growth per extra instance, the slope between the two largest instance counts in one fresh process per pair; "engine" is what the engine itself reports.',
  });
}

const STATUS_CLASS: Record<string, string> = { pass: 'pass', fail: 'fail', 'not-implemented': 'ni' };

function conformanceTables(results: Results): string {
  const all = results.conformance ?? [];
  const runtimes = orderRuntimes(all.map((c) => c.runtime));
  const tallies = tally(all, runtimes);
  const summary = table(
    ['runtime', 'verdict', 'MUST pass', 'MUST fail', 'MUST n/i', 'SHOULD pass'],
    tallies.map((t) => [
      t.runtime,
      { html: esc(verdict(t)), className: t.must.fail > 0 ? 'fail' : t.must.notImplemented > 0 ? 'warn' : 'pass' },
      num(`${t.must.pass}/${t.must.total}`),
      num(String(t.must.fail)),
      num(String(t.must.notImplemented)),
      num(`${t.should.pass}/${t.should.total}`),
    ]),
    { caption: 'A runtime is conformant when every MUST case passes; "n/i" (no filter in its language) is never counted as a pass.' },
  );
  const cases: Array<{ id: string; level: string }> = [];
  for (const c of all) if (!cases.some((x) => x.id === c.case)) cases.push({ id: c.case, level: c.level });
  const matrix = table(
    ['case', 'level', ...runtimes],
    cases.map((c) => [
      c.id,
      c.level,
      ...runtimes.map((rt): CellLike => {
        const r = all.find((x) => x.runtime === rt && x.case === c.id);
        if (!r) return '–';
        const label = r.status === 'not-implemented' ? 'n/i' : r.status === 'fail' ? 'FAIL' : r.message ? 'pass*' : 'pass';
        return { html: esc(label), className: STATUS_CLASS[r.status] ?? '', ...(r.message ? { title: r.message } : {}) };
      }),
    ]),
    { caption: 'Case × runtime. Hover a cell for its message ("pass*": passed with a note); failures are listed in full below.' },
  );
  const failures = all.filter((r) => r.status !== 'pass' && r.message);
  const details = failures.length
    ? `<details><summary>${failures.length} message(s) of failed or not-implemented cases</summary><ul>${failures
        .map((r) => `<li><strong>${esc(r.runtime)} × ${esc(r.case)}</strong> (${esc(r.level)}, ${esc(r.status)}): ${esc(r.message!)}</li>`)
        .join('\n')}</ul></details>`
    : '';
  return summary + matrix + details;
}

function isolationTable(results: Results): string {
  const all = results.isolation ?? [];
  const runtimes = orderRuntimes(all.map((i) => i.runtime));
  const cases = [...new Set(all.map((i) => i.case))];
  return table(
    ['case', ...runtimes],
    cases.map((c) => [
      c,
      ...runtimes.map((rt): CellLike => {
        const r = all.find((x) => x.runtime === rt && x.case === c);
        if (!r) return '–';
        const mechanism = (r as { mechanism?: string }).mechanism;
        return {
          html: `${esc(r.outcome)}${mechanism ? `<span class="mech">${esc(mechanism)}</span>` : ''}`,
          className: r.outcome,
          title: r.detail,
        };
      }),
    ]),
    {
      caption:
        'Each hostile filter ran in its own process under a watchdog. contained: the runtime stopped it and the same instance served again; recovered: the instance had to be recreated; watchdog: only killing the process stopped it; crashed: the process died. Capability probes: denied / allowed; state probes: isolated / leaked. Hover a cell for the detail.',
    },
  );
}

function environmentTable(sources: Source[]): string {
  const runtimes = orderRuntimes(sources.flatMap((s) => Object.keys(s.results.environment.engines)));
  const row = (name: string, get: (r: Results) => string): CellLike[] => [name, ...sources.map((s) => get(s.results))];
  const rows: CellLike[][] = [
    row('CPU', (r) => r.environment.cpu),
    row('cores', (r) => String(r.environment.cores)),
    row('OS', (r) => r.environment.os),
    row('Node', (r) => r.environment.node),
    row('commit', (r) => r.environment.commit),
    row('date', (r) => r.environment.date),
    ...runtimes.map((rt) =>
      [`engine: ${rt}`, ...sources.map((s): CellLike => ({ html: esc(s.results.environment.engines[rt] ?? '–'), title: s.results.environment.engineNotes?.[rt] ?? '' }))],
    ),
  ];
  return table(['', ...sources.map((s) => s.label)], rows, { caption: "Hover an engine for what a call through its adapter pays (the adapter's own notes)." });
}

/** The whole report page for one or more sources. */
export function renderReport(sources: Source[], options: { title?: string; charts?: Chart[] } = {}): string {
  if (sources.length === 0) throw new Error('a report needs at least one results file');
  const charts = options.charts ?? allCharts(sources);
  const title = options.title ?? 'plugbench report';
  const nav = `<nav><ul>${sectionsOf(sources, charts.length)
    .map(([id, name]) => `<li><a href="#${id}">${esc(name)}</a></li>`)
    .join('')}</ul></nav>`;
  const body: string[] = [`<section id="says"><h2>What this says</h2>${says(sources)}</section>`];
  const has = (f: (r: Results) => boolean) => sources.some((s) => f(s.results));
  if (has((r) => r.runs.some((x) => x.micro))) {
    body.push(`<section id="per-call"><h2>Per-call latency</h2>${perSource(sources, (s) => perCallTable(s.results), (r) => r.runs.some((x) => x.micro))}</section>`);
  }
  if (charts.length > 0) body.push(`<section id="charts"><h2>Charts</h2>${charts.map(figure).join('\n')}</section>`);
  if (has((r) => r.runs.some((x) => x.load))) {
    body.push(`<section id="load"><h2>Under load</h2>${perSource(sources, (s) => loadTable(s.results), (r) => r.runs.some((x) => x.load))}</section>`);
  }
  if (has((r) => r.runs.some((x) => x.coldStart || x.memory))) {
    body.push(
      `<section id="footprint"><h2>Cold start and memory</h2>${perSource(sources, (s) => footprintTable(s.results), (r) => r.runs.some((x) => x.coldStart || x.memory))}</section>`,
    );
  }
  if (has((r) => (r.conformance?.length ?? 0) > 0)) {
    body.push(
      `<section id="conformance"><h2>Conformance</h2>${perSource(sources, (s) => conformanceTables(s.results), (r) => (r.conformance?.length ?? 0) > 0)}</section>`,
    );
  }
  if (has((r) => (r.isolation?.length ?? 0) > 0)) {
    body.push(`<section id="isolation"><h2>Isolation</h2>${perSource(sources, (s) => isolationTable(s.results), (r) => (r.isolation?.length ?? 0) > 0)}</section>`);
  }
  body.push(`<section id="environment"><h2>Environment</h2>${environmentTable(sources)}</section>`);
  body.push(
    `<section id="config"><h2>Configuration</h2>${perSource(sources, (s) => `<pre>${esc(JSON.stringify(s.results.config, null, 2))}</pre>`)}</section>`,
  );
  return page({ title, head: heading(sources, title) + nav, body: body.join('\n'), charts });
}
