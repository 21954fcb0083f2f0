// Small HTML building blocks: escaping, tables, the inlined chart libraries and
// the page shell shared by the report and the comparison page.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Chart } from '../charts/chart.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function esc(text: string | number): string {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON that is safe inside a <script> element (no "</script", no "<!--"). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export interface Cell {
  html: string;
  /** Full text on hover (a failure message, an isolation detail). */
  title?: string;
  className?: string;
}

export type CellLike = string | number | Cell;

function cellHtml(tag: 'td' | 'th', cell: CellLike): string {
  const c: Cell = typeof cell === 'object' ? cell : { html: esc(cell) };
  const attrs = `${c.title ? ` title="${esc(c.title)}"` : ''}${c.className ? ` class="${esc(c.className)}"` : ''}`;
  return `<${tag}${attrs}>${c.html}</${tag}>`;
}

/** A table with a header row; the first column of each row is a row header. */
export function table(head: CellLike[], rows: CellLike[][], options: { caption?: string; className?: string } = {}): string {
  const caption = options.caption ? `<caption>${esc(options.caption)}</caption>` : '';
  const body = rows.map((r) => `<tr>${r.map((c, i) => cellHtml(i === 0 ? 'th' : 'td', c)).join('')}</tr>`).join('\n');
  return `<div class="table-wrap"><table${options.className ? ` class="${esc(options.className)}"` : ''}>${caption}<thead><tr>${head.map((h) => cellHtml('th', h)).join('')}</tr></thead>\n<tbody>\n${body}\n</tbody></table></div>`;
}

/**
 * vega, vega-lite and vega-embed from node_modules, inlined so the page needs no
 * network (opens from disk, renders the same on a static host). Their UMD builds
 * define window.vega, window.vegaLite and window.vegaEmbed.
 */
export function chartLibraries(): string {
  const files = ['vega/build/vega.min.js', 'vega-lite/build/vega-lite.min.js', 'vega-embed/build/vega-embed.min.js'];
  return files
    .map((f) => {
      const code = readFileSync(join(ROOT, 'node_modules', f), 'utf8');
      // The builds contain neither, but a future release could; the page must not break.
      if (/<\/script|<!--/i.test(code)) throw new Error(`node_modules/${f} contains "</script" or "<!--" and cannot be inlined as is`);
      return `<script>/* ${f} (inlined from node_modules) */\n${code}\n</script>`;
    })
    .join('\n');
}

/** A package's version from node_modules, or plugbench's own for "plugbench". */
export function versionOf(pkg: string): string {
  const file = pkg === 'plugbench' ? join(ROOT, 'package.json') : join(ROOT, 'node_modules', pkg, 'package.json');
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** A chart's place on the page: title, the element vega-embed renders into, caption. */
export function figure(chart: Chart): string {
  return `<figure class="chart" id="${esc(chart.id)}">
<h3>${esc(chart.title)}</h3>
<div class="vis" id="vis-${esc(chart.id)}" role="img" aria-label="${esc(chart.title)}"></div>
<figcaption>${esc(chart.caption)}</figcaption>
</figure>`;
}

/**
 * Renders every chart with vega-embed (SVG, so it prints sharp). Each figure's
 * element gets data-rendered="true" or "error"; window.plugbenchRendered settles
 * when all are done (the browser test waits on it). A failure is shown in place
 * and logged to the console, never silent.
 */
function renderScript(charts: Chart[]): string {
  // The figure's <h3> carries the title (it prints and is read by screen
  // readers); drawn again inside the chart it would only repeat.
  const specs = charts.map((c) => {
    const { title: _title, ...spec } = c.spec as { title?: unknown };
    return { id: c.id, spec };
  });
  return `<script type="application/json" id="plugbench-charts">${scriptJson(specs)}</script>
<script>
(function () {
  var charts = JSON.parse(document.getElementById('plugbench-charts').textContent);
  window.plugbenchRendered = Promise.all(charts.map(function (c) {
    var el = document.getElementById('vis-' + c.id);
    return vegaEmbed(el, c.spec, { actions: false, renderer: 'svg' }).then(function () {
      el.setAttribute('data-rendered', 'true');
    }, function (err) {
      el.setAttribute('data-rendered', 'error');
      el.textContent = 'This chart could not be drawn: ' + (err && err.message ? err.message : err);
      console.error('plugbench: chart ' + c.id + ' failed', err);
    });
  }));
})();
</script>`;
}

const STYLE = `
:root { --fg: #1d2125; --muted: #5a6470; --line: #d7dbe0; --bg-alt: #f5f7f9; --good: #1a7f37; --bad: #b42318; --warn: #9a6700; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); margin: 0 auto; padding: 1.5rem; max-width: 1100px; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.25rem; margin: 2.2rem 0 .6rem; border-bottom: 1px solid var(--line); padding-bottom: .2rem; }
h3 { font-size: 1.02rem; margin: 1.2rem 0 .4rem; }
p.sub, figcaption, .note { color: var(--muted); font-size: .9rem; }
nav ul { display: flex; flex-wrap: wrap; gap: .3rem 1rem; padding: 0; list-style: none; font-size: .92rem; }
a { color: #0b5cad; }
figure.chart { margin: 1.2rem 0 1.8rem; break-inside: avoid; page-break-inside: avoid; }
figure.chart .vis { width: 100%; min-height: 60px; overflow-x: auto; }
.table-wrap { overflow-x: auto; margin: .6rem 0 1.2rem; }
table { border-collapse: collapse; font-size: .86rem; font-variant-numeric: tabular-nums; }
caption { text-align: left; color: var(--muted); padding-bottom: .3rem; }
th, td { border: 1px solid var(--line); padding: .25rem .5rem; text-align: left; vertical-align: top; }
thead th { background: var(--bg-alt); position: sticky; top: 0; }
td.num { text-align: right; white-space: nowrap; }
.pass, .contained, .denied, .isolated, .ok { color: var(--good); }
.fail, .crashed, .leaked, .allowed, .broken, .bad { color: var(--bad); font-weight: 600; }
.watchdog, .recovered, .unstopped, .ni, .warn { color: var(--warn); }
.mech { display: block; color: var(--muted); font-size: .78rem; font-weight: 400; }
details { margin: .4rem 0; }
pre { background: var(--bg-alt); padding: .6rem; overflow-x: auto; font-size: .8rem; }
ul.says li { margin: .2rem 0; }
footer { margin-top: 3rem; color: var(--muted); font-size: .82rem; }
@media (max-width: 700px) { body { padding: .8rem; } }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  nav { display: none; }
  h2 { break-after: avoid; }
  .table-wrap { overflow: visible; }
  thead th { position: static; }
  a { color: inherit; text-decoration: none; }
}
`;

export function page(options: { title: string; head: string; body: string; charts: Chart[] }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(options.title)}</title>
<style>${STYLE}</style>
${chartLibraries()}
</head>
<body>
<header>${options.head}</header>
<main>
${options.body}
</main>
<footer>Generated by plugbench ${esc(versionOf('plugbench'))}. Charts: vega ${esc(versionOf('vega'))}, vega-lite ${esc(versionOf('vega-lite'))}, vega-embed ${esc(versionOf('vega-embed'))}, inlined; this page makes no network requests.</footer>
${renderScript(options.charts)}
</body>
</html>
`;
}
