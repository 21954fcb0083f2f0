// `npm run conformance` as a user runs it (scripts/conformance.ts in a child
// process): certifying an external adapter, the exit status, the results file.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Results } from '../reports/schema.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function conformance(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'conformance.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

test('an external adapter: the matrix on stdout, a results file, exit 1 when a MUST case fails', () => {
  const dir = mkdtempSync(join(tmpdir(), 'plugbench-conformance-'));
  try {
    const json = join(dir, 'out.json');
    const r = conformance([
      '--runtimes', 'none',
      '--runtime', './test/fixtures/wrong-adapter.ts',
      '--runtime', './test/fixtures/external-adapter.ts',
      '--no-isolation',
      '--json', json,
    ]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /^case\s+level\s+wrong-result\s+external-native$/m);
    assert.match(r.stdout, /^result-strings\s+MUST\s+FAIL\s+pass$/m);
    assert.match(r.stdout, /^wrong-result: NOT CONFORMANT: 4 MUST case\(s\) failed$/m);
    assert.match(r.stdout, /^external-native: conformant \(MUST \d+\/\d+, SHOULD \d+\/\d+\)$/m);
    assert.match(r.stdout, /wrong-result × result-strings \(MUST\): step 3\/5 \(a named result; GET \/deny\): result: expected "deny", got ""/);
    assert.doesNotMatch(r.stdout, /\[\d+\/\d+\]/, 'progress stays on stderr');
    const results = JSON.parse(readFileSync(json, 'utf8')) as Results;
    assert.equal(results.schema, 'plugbench/results@1');
    assert.deepEqual(results.runs, []);
    assert.equal(results.config.profile, 'conformance');
    assert.match(results.environment.engines['wrong-result']!, /deliberately wrong/);
    const row = results.conformance!.find((c) => c.runtime === 'wrong-result' && c.case === 'result-strings')!;
    assert.deepEqual(Object.keys(row).slice(0, 5), ['runtime', 'case', 'level', 'status', 'message']);
    assert.equal(row.status, 'fail');
    assert.equal(results.isolation, undefined, '--no-isolation');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('usage errors exit 2 and say what is valid', () => {
  const r = conformance(['--runtimes', 'nope', '--no-isolation']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown runtime 'nope'; valid: native, lua/);
  const c = conformance(['--runtimes', 'native', '--cases', 'nope', '--no-isolation']);
  assert.equal(c.status, 2);
  assert.match(c.stderr, /unknown case 'nope'; valid: header-case-insensitive/);
});
