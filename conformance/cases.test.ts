import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  caseIds,
  caseProblems,
  defineCase,
  describeCases,
  expectedOutcome,
  fnv1a32Hex,
  pseudoRandomBytes,
  selectCases,
} from './cases.ts';
import { parseConformanceOptions } from './run.ts';

const cases = await selectCases();

test('at least 20 cases, each folder a well-formed case', () => {
  assert.ok(cases.length >= 20, `${cases.length} cases`);
  assert.deepEqual(
    cases.map((c) => c.id),
    caseIds(),
  );
  for (const c of cases) assert.deepEqual(caseProblems(c, c.id), [], c.id);
  assert.ok(cases.some((c) => c.level === 'SHOULD') && cases.some((c) => c.level === 'MUST'));
});

test('every case has a filter per guest language, unless it says why not', () => {
  for (const c of cases) {
    for (const file of ['filter.ts', 'filter.lua', 'filter.wasm']) {
      const why = c.absent?.[file];
      if (why) {
        assert.ok(!existsSync(join(c.dir, file)), `${c.id}: ${file} is declared absent but exists`);
        continue;
      }
      assert.ok(existsSync(join(c.dir, file)), `${c.id} has no ${file}${file === 'filter.wasm' ? ' (npm run build:wasm)' : ''}`);
    }
    // The built component comes from a C source beside it.
    assert.equal(existsSync(join(c.dir, 'filter.c')), existsSync(join(c.dir, 'filter.wasm')), `${c.id}: filter.c and filter.wasm go together`);
  }
});

test('the behaviours DESIGN §5 and the issue name each have a case', () => {
  const ids = new Set(cases.map((c) => c.id));
  for (const id of [
    'header-case-insensitive', 'header-multi-value', 'header-names', 'header-value-bytes', 'remove-absent-header',
    'method-path-read', 'set-path', 'body-empty', 'body-binary', 'body-1mib', 'set-body-binary', 'respond-local',
    'result-strings', 'init-config', 'init-error', 'kv-shared-instances', 'kv-deployment-isolation', 'now-ms',
    'log-levels', 'sensitive-hidden', 'sensitive-granted', 'limit-header-count', 'limit-header-size', 'limit-body-size',
  ]) {
    assert.ok(ids.has(id), `missing case ${id}`);
  }
});

test('caseProblems names what is wrong with a definition', () => {
  const bad = defineCase({ id: 'x', level: 'MAY' as 'MUST', statement: 'two\nlines', config: '{nope', steps: [] });
  const problems = caseProblems(bad, 'y').join('; ');
  assert.match(problems, /id 'x' is not its folder name 'y'/);
  assert.match(problems, /level must be MUST or SHOULD/);
  assert.match(problems, /one non-empty line/);
  assert.match(problems, /no steps/);
  assert.match(problems, /config is not JSON/);
  const both = { ...defineCase({ id: 'z', level: 'MUST', statement: 's', steps: [{ label: 'l', request: {}, expect: {} }] }), check: async () => {} };
  assert.match(caseProblems(both, 'z').join(), /either steps or a check function/);
});

test('an expected outcome defaults to the request unchanged, names lower-cased, no response', () => {
  const out = expectedOutcome({ method: 'post', path: '/a?b', headers: [['X-A', 'V']], body: 'hé' }, {});
  assert.deepEqual(out, {
    result: '',
    method: 'POST',
    path: '/a?b',
    headers: [['x-a', 'V']],
    body: new TextEncoder().encode('hé'),
  });
  const responded = expectedOutcome({}, { result: 'r', response: { status: 204, headers: [], body: '' } });
  assert.deepEqual(responded.headers, [['host', 'conformance.test']]);
  assert.equal(responded.response?.status, 204);
});

test('case helpers: FNV-1a over bytes, deterministic bytes with every value', () => {
  assert.equal(fnv1a32Hex(new Uint8Array(0)), '811c9dc5');
  assert.equal(fnv1a32Hex(new TextEncoder().encode('a')), 'e40c292c');
  const a = pseudoRandomBytes(4096);
  assert.deepEqual(a, pseudoRandomBytes(4096));
  assert.equal(new Set(a).size, 256);
});

test('--list text: one line per case with its level and statement', () => {
  const lines = describeCases(cases).split('\n');
  assert.equal(lines.length, cases.length);
  assert.match(lines[0]!, /^header-case-insensitive\s+MUST\s+\S/);
});

test('command-line options', () => {
  const o = parseConformanceOptions(['--runtimes', 'none', '--runtime', './a.ts', '--runtime', './b.ts', '--json', 'r.json', '--cases', 'x, y', '--timeout', '500', '--no-isolation']);
  assert.equal(o.runtimes, 'none');
  assert.deepEqual(o.externalRuntimes, ['./a.ts', './b.ts']);
  assert.equal(o.json, 'r.json');
  assert.deepEqual(o.cases, ['x', 'y']);
  assert.equal(o.timeoutMs, 500);
  assert.equal(o.isolation, false);
  assert.equal(parseConformanceOptions([]).isolation, true);
  assert.equal(parseConformanceOptions([]).limits, true);
  assert.equal(parseConformanceOptions(['--no-limits']).limits, false);
  assert.throws(() => parseConformanceOptions(['--timeout', 'soon']), /--timeout must be a positive number/);
  assert.throws(() => parseConformanceOptions(['--workloads', 'noop']), /workloads/);
});
