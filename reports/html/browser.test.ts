// The report in a real headless browser: Debian's chromium driven by
// playwright-core (which downloads nothing; .ci/run installs chromium). Renders a
// report from the sample's results files and checks that every chart draws, the
// console stays clean, no request leaves the page, and the tables are there.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { allCharts } from '../charts/index.ts';
import { compareResults } from '../compare/compare.ts';
import { renderCompare } from '../compare/command.ts';
import { labelSources, readResultsFile, readSources } from '../model.ts';
import { renderReport } from './report.ts';

// The committed sample's results files: real runs, every block present.
const SAMPLE = fileURLToPath(new URL('../sample/', import.meta.url));
const BENCH = join(SAMPLE, 'node20-bench.json');
const CONFORMANCE = join(SAMPLE, 'node20-conformance.json');
const OTHER_NODE = join(SAMPLE, 'node24-bench.json');
const CHROMIUM = process.env.PLUGBENCH_CHROMIUM ?? '/usr/bin/chromium';

// Without chromium a developer's `npm test` skips this file and says why; in CI
// (.ci/run installs chromium) its absence is a failure, never a silent pass.
const missing = existsSync(CHROMIUM) ? undefined : `no chromium at ${CHROMIUM} (apt-get install chromium, or set PLUGBENCH_CHROMIUM)`;
if (missing && process.env.CI) throw new Error(`the report browser test needs chromium: ${missing}`);

interface PageCheck {
  consoleErrors: string[];
  requests: string[];
  rendered: Record<string, string | null>;
  svgCount: Record<string, number>;
  tables: string[];
  printWidth: number;
}

async function openReport(browser: Browser, html: string, width: number): Promise<PageCheck> {
  const dir = mkdtempSync(join(tmpdir(), 'plugbench-report-'));
  const file = join(dir, 'report.html');
  writeFileSync(file, html);
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  page.on('request', (r) => {
    if (r.url() !== pathToFileURL(file).href) requests.push(r.url());
  });
  try {
    await page.goto(pathToFileURL(file).href);
    await page.waitForFunction(() => (window as unknown as { plugbenchRendered?: Promise<unknown> }).plugbenchRendered !== undefined, null, { timeout: 20_000 });
    await page.evaluate(() => (window as unknown as { plugbenchRendered: Promise<unknown> }).plugbenchRendered);
    const state = await page.evaluate(() => {
      const rendered: Record<string, string | null> = {};
      const svgCount: Record<string, number> = {};
      for (const el of Array.from(document.querySelectorAll('figure.chart'))) {
        const vis = el.querySelector('.vis')!;
        rendered[el.id] = vis.getAttribute('data-rendered');
        svgCount[el.id] = vis.querySelectorAll('svg path, svg rect, svg line, svg text').length;
      }
      const tables = Array.from(document.querySelectorAll('section')).filter((s) => s.querySelector('table')).map((s) => s.id);
      return { rendered, svgCount, tables, printWidth: document.documentElement.scrollWidth };
    });
    return { consoleErrors, requests, ...state };
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('HTML report in headless chromium', { skip: missing }, () => {
  let browser: Browser;
  before(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      // Root in CI needs --no-sandbox; the rest keep chromium from calling home
      // (refused on these machines, and the test asserts zero requests).
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  after(async () => {
    await browser?.close();
  });

  test('every chart renders, no console errors, no network, all tables present', async () => {
    const sources = readSources([BENCH, CONFORMANCE]);
    const expected = allCharts(sources).map((c) => c.id);
    assert.ok(expected.length >= 7, `the fixture should exercise every chart, got ${expected.join(', ')}`);
    const check = await openReport(browser, renderReport(sources), 1280);
    assert.deepEqual(check.consoleErrors, []);
    assert.deepEqual(check.requests, []);
    assert.deepEqual(Object.keys(check.rendered).sort(), [...expected].sort());
    for (const id of expected) {
      assert.equal(check.rendered[id], 'true', `chart ${id} did not render`);
      assert.ok((check.svgCount[id] ?? 0) > 10, `chart ${id} drew almost nothing (${check.svgCount[id]} SVG elements)`);
    }
    for (const section of ['per-call', 'load', 'footprint', 'conformance', 'isolation', 'environment']) {
      assert.ok(check.tables.includes(section), `no table in section #${section} (have ${check.tables.join(', ')})`);
    }
  });

  test('a merged report of two environments renders at laptop width without horizontal overflow', async () => {
    const sources = readSources([BENCH, OTHER_NODE]);
    assert.equal(sources.length, 2);
    const check = await openReport(browser, renderReport(sources), 1024);
    assert.deepEqual(check.consoleErrors, []);
    assert.deepEqual(check.requests, []);
    for (const [id, state] of Object.entries(check.rendered)) assert.equal(state, 'true', `chart ${id} did not render`);
    assert.ok(check.printWidth <= 1024, `page is ${check.printWidth}px wide at a 1024px viewport`);
  });

  test('it prints: at A4 width (794 px) in print media no chart or table runs off the page, and chromium makes a PDF', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plugbench-print-'));
    const file = join(dir, 'report.html');
    writeFileSync(file, renderReport(readSources([BENCH, CONFORMANCE])));
    const context = await browser.newContext({ viewport: { width: 794, height: 1123 } });
    try {
      const page = await context.newPage();
      await page.goto(pathToFileURL(file).href);
      await page.waitForFunction(() => (window as unknown as { plugbenchRendered?: Promise<unknown> }).plugbenchRendered !== undefined, null, { timeout: 20_000 });
      await page.evaluate(() => (window as unknown as { plugbenchRendered: Promise<unknown> }).plugbenchRendered);
      await page.emulateMedia({ media: 'print' });
      // The drawn SVGs and the tables themselves (their wrappers would scroll,
      // which paper cannot), and any <pre> whose text overflows its box.
      const wide = await page.evaluate(() => [
        ...Array.from(document.querySelectorAll('figure .vis svg, .table-wrap > table'))
          .filter((el) => el.getBoundingClientRect().right > 794)
          .map((el) => `${el.tagName.toLowerCase()} in #${el.closest('section')?.id}: right edge at ${Math.round(el.getBoundingClientRect().right)} px`),
        ...Array.from(document.querySelectorAll('pre'))
          .filter((el) => el.scrollWidth > el.clientWidth)
          .map((el) => `pre in #${el.closest('section')?.id}: ${el.scrollWidth} px of text in ${el.clientWidth} px`),
      ]);
      assert.deepEqual(wide, []);
      const pdf = await page.pdf({ format: 'A4' });
      assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    } finally {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the comparison page draws its ratio chart', async () => {
    const base = readResultsFile(BENCH);
    const head = structuredClone(base);
    for (const run of head.runs) if (run.micro && run.runtime === 'lua') run.micro.latencyNs.mean *= 1.5;
    const [b, h] = labelSources([
      { file: 'base.json', results: base },
      { file: 'head.json', results: head },
    ]);
    const check = await openReport(browser, renderCompare(b!, h!, compareResults(b!, h!), { regressionPct: 10 }), 1280);
    assert.deepEqual(check.consoleErrors, []);
    assert.deepEqual(check.requests, []);
    assert.equal(check.rendered['compare-ratios'], 'true');
    assert.ok(check.tables.includes('significant'));
  });

  test('a chart that cannot be drawn is shown as an error in place and logged, not silently blank', async () => {
    const sources = readSources([BENCH]);
    const [first, ...rest] = allCharts(sources);
    // An expression vega cannot parse: vega-embed rejects, as it would for a bad spec.
    const broken = { ...first!, spec: { data: { values: [{ a: 1 }] }, transform: [{ calculate: 'datum.a +', as: 'b' }], mark: 'point', encoding: { x: { field: 'b', type: 'quantitative' } } } } as typeof first & {};
    const html = renderReport(sources, { charts: [broken, ...rest] });
    const check = await openReport(browser, html, 1280);
    assert.ok(Object.values(check.rendered).includes('error'), 'the broken chart was not marked as an error');
    assert.ok(check.consoleErrors.some((e) => e.includes('plugbench: chart')), `console: ${check.consoleErrors.join('\n')}`);
  });
});
