import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConformanceResult } from '../reports/schema.ts';
import { conformanceMatrix, tally, verdict } from './matrix.ts';

const results: ConformanceResult[] = [
  { runtime: 'a', case: 'header-names', level: 'MUST', status: 'pass' },
  { runtime: 'a', case: 'body-binary', level: 'MUST', status: 'fail', message: 'step 1/1 (x): body differs at byte 3\nsecond line' },
  { runtime: 'a', case: 'catchable', level: 'SHOULD', status: 'not-implemented', message: 'no filter.c: C has no exceptions' },
  { runtime: 'bb', case: 'header-names', level: 'MUST', status: 'pass', message: 'a fresh instance passes it' },
  { runtime: 'bb', case: 'body-binary', level: 'MUST', status: 'pass' },
  { runtime: 'bb', case: 'catchable', level: 'SHOULD', status: 'pass' },
];

test('the matrix has a row per case with its level and a column per runtime', () => {
  const lines = conformanceMatrix(results).split('\n');
  assert.match(lines[0]!, /^case\s+level\s+a\s+bb$/);
  assert.match(lines[1]!, /^-+  -+  -+  -+$/);
  assert.match(lines[2]!, /^header-names\s+MUST\s+pass\s+pass\*$/);
  assert.match(lines[3]!, /^body-binary\s+MUST\s+FAIL\s+pass$/);
  assert.match(lines[4]!, /^catchable\s+SHOULD\s+n\/i\s+pass$/);
  // Columns line up.
  assert.equal(lines[2]!.indexOf('pass'), lines[3]!.indexOf('FAIL'));
});

test('failures, notes and missing filters are listed under the matrix, one line each', () => {
  const text = conformanceMatrix(results);
  assert.match(text, /^failures:\n {2}a × body-binary \(MUST\): step 1\/1 \(x\): body differs at byte 3 ⏎ second line$/m);
  assert.match(text, /^notes \(pass\*\):\n {2}bb × header-names: a fresh instance passes it$/m);
  assert.match(text, /^not implemented \(never counted as a pass\):\n {2}a × catchable \(SHOULD\): no filter\.c: C has no exceptions$/m);
  assert.match(text, /^a: NOT CONFORMANT: 1 MUST case\(s\) failed$/m);
  assert.match(text, /^bb: conformant \(MUST 2\/2, SHOULD 1\/1\)$/m);
});

test('a runtime with MUST cases not implemented is not certified, even with no failure', () => {
  const only: ConformanceResult[] = [
    { runtime: 'py', case: 'x', level: 'MUST', status: 'not-implemented' },
    { runtime: 'py', case: 'y', level: 'MUST', status: 'pass' },
  ];
  const [t] = tally(only, ['py']);
  assert.deepEqual(t!.must, { pass: 1, fail: 0, notImplemented: 1, total: 2 });
  assert.match(verdict(t!), /^not certified: 1 MUST case\(s\) not implemented/);
});

test('no results: a plain sentence, not an empty table', () => {
  assert.equal(conformanceMatrix([]), 'no conformance results');
});
