// Every chart built from a real (trimmed) results file: compiles without
// warnings, renders headless, fits the page, says what it plots; and with two
// sources, every chart tells them apart by label.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Chart } from './chart.ts';
import { allCharts } from './index.ts';
import { compileQuietly, encodedFields, quickResults, renderSvg, rowsOf, source } from './test-helpers.ts';

const PAGE_ORDER = ['micro-latency', 'slowdown-vs-native', 'per-kb-cost', 'load-throughput', 'load-p99', 'memory-per-instance', 'cold-start'];

const one = () => allCharts([source('only', quickResults())]);
const two = () => allCharts([source('Node v20 · box A', quickResults()), source('Node v22 · box B', quickResults())]);

/** The parts of a spec that draw: the spec itself, its facet's inner spec, their layers. */
function units(chart: Chart): Record<string, unknown>[] {
  const top = chart.spec as unknown as Record<string, unknown>;
  const panel = (top.spec as Record<string, unknown> | undefined) ?? top;
  const layers = (panel.layer as Record<string, unknown>[] | undefined) ?? [];
  return [panel, ...layers];
}

describe('allCharts on a real quick run', () => {
  it('gives every chart, in page order, with unique kebab-case ids', () => {
    const charts = one();
    assert.deepEqual(
      charts.map((c) => c.id),
      PAGE_ORDER,
    );
    for (const c of charts) assert.match(c.id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  for (const [name, build] of [
    ['one source', one],
    ['two sources', two],
  ] as const) {
    it(`${name}: every spec compiles without a warning and renders to SVG that fits a ~900px column`, async () => {
      for (const c of build()) {
        const { vg, messages } = compileQuietly(c.spec);
        assert.deepEqual(messages, [], `${c.id}: vega-lite said something`);
        const { svg, warnings } = await renderSvg(vg);
        assert.deepEqual(warnings, [], `${c.id}: vega warned`);
        const width = Number(/<svg[^>]* width="([\d.]+)"/.exec(svg)?.[1]);
        assert.ok(width > 300 && width <= 880, `${c.id}: ${width}px wide`);
        assert.match(svg, /<path|<rect|<line/, `${c.id}: draws nothing`);
      }
    });
  }

  it('every chart has its title in the spec, a caption, inline data only, axis titles and tooltips', () => {
    for (const c of one()) {
      const spec = c.spec as unknown as Record<string, unknown>;
      assert.equal((spec.title as { text: string }).text, c.title);
      assert.ok(c.caption.length > 40 && /\.$/.test(c.caption), `${c.id}: caption`);
      assert.ok(rowsOf(c.spec).length > 0, `${c.id}: no inline rows`);
      assert.doesNotMatch(JSON.stringify(c.spec), /"url"\s*:/, `${c.id}: external data`);
      let tooltips = 0;
      for (const u of units(c)) {
        const enc = (u.encoding ?? {}) as Record<string, { title?: unknown; field?: string } | unknown[]>;
        for (const ch of ['x', 'y'] as const) {
          const def = enc[ch] as { title?: unknown; field?: string } | undefined;
          if (def?.field) assert.ok(typeof def.title === 'string' && def.title.length > 0, `${c.id}: ${ch} axis has no title`);
        }
        if (Array.isArray(enc.tooltip)) tooltips++;
      }
      assert.ok(tooltips > 0, `${c.id}: no tooltip`);
    }
  });

  it('with one source the source label is not shown; with two, every chart has a row per source and names it in tooltips', () => {
    for (const c of one()) assert.ok(!encodedFields(c.spec).includes('source'), `${c.id} shows the source`);
    for (const c of two()) {
      const facet = (c.spec as { facet?: { row?: { field: string; sort: string[] } } }).facet;
      assert.equal(facet?.row?.field, 'source', `${c.id}: no row per source`);
      assert.deepEqual(facet?.row?.sort, ['Node v20 · box A', 'Node v22 · box B']);
      const inTooltips = units(c).some((u) => JSON.stringify((u.encoding as { tooltip?: unknown } | undefined)?.tooltip ?? []).includes('"field":"source"'));
      assert.ok(inTooltips, `${c.id}: source not in tooltip`);
      const labels = new Set(rowsOf(c.spec).map((r) => r.source));
      assert.deepEqual([...labels].sort(), ['Node v20 · box A', 'Node v22 · box B']);
    }
  });

  it('a runtime has the same colour in every chart', () => {
    const seen = new Map<string, string>();
    let coloured = 0;
    for (const c of one()) {
      const text = JSON.stringify(c.spec);
      const m = /"field":"runtime","type":"nominal","title":"runtime","scale":\{"domain":(\[[^\]]*\]),"range":(\[[^\]]*\])/.exec(text);
      if (!m) continue;
      coloured++;
      const domain = JSON.parse(m[1]!) as string[];
      const range = JSON.parse(m[2]!) as string[];
      assert.deepEqual(domain, ['native', 'lua', 'quickjs', 'wasm', 'remote'], c.id);
      domain.forEach((r, i) => {
        if (seen.has(r)) assert.equal(range[i], seen.get(r), `${c.id}: ${r}`);
        else seen.set(r, range[i]!);
      });
    }
    assert.equal(coloured, 4); // latency, per-KB, throughput, p99
    assert.equal(seen.size, 5);
  });

  it('leaves out charts with no data', () => {
    const r = quickResults();
    r.runs = r.runs.map(({ runtime, workload, verified, micro }) => ({ runtime, workload, verified, ...(micro ? { micro } : {}) }));
    delete r.baseline;
    assert.deepEqual(
      allCharts([source('micro only', r)]).map((c) => c.id),
      ['micro-latency', 'slowdown-vs-native'],
    );
    r.runs = r.runs.filter((x) => x.runtime !== 'native');
    assert.deepEqual(
      allCharts([source('no native', r)]).map((c) => c.id),
      ['micro-latency'],
    );
    assert.deepEqual(allCharts([]), []);
  });
});
