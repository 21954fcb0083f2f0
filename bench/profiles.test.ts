// Profiles and the flag that changes their footprint workloads.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCommonOptions } from './options.ts';
import { PROFILES, profileFor } from './profiles.ts';

const ALL = ['noop', 'headers', 'jwt-auth', 'json-transform', 'rate-limit', 'router', 'redact'];

test('quick and default as documented: footprint workloads, load, shorter per-size timing', () => {
  assert.deepEqual(profileFor({ quick: true }, ALL).footprint?.workloads, ['noop']);
  assert.deepEqual(profileFor({ quick: false }, ALL).footprint?.workloads, ['noop', 'jwt-auth']);
  for (const p of Object.values(PROFILES)) {
    assert.ok(p.load && p.load.durationS > 0 && p.load.warmupS > 0, p.name);
    assert.ok(p.microBySize && p.microBySize.timeMs < p.micro.timeMs, p.name);
    assert.ok(p.footprint && p.footprint.coldStart.samples >= 3, `${p.name}: median and spread need 3 samples`);
  }
});

test('--footprint-workloads: a list, all, none; a name outside the selection is an error', () => {
  const pick = (flag: string, quick = false) => profileFor(parseCommonOptions(['--footprint-workloads', flag, ...(quick ? ['--quick'] : [])]), ALL);
  assert.deepEqual(pick('headers,redact').footprint?.workloads, ['headers', 'redact']);
  assert.deepEqual(pick('all', true).footprint?.workloads, ALL);
  assert.deepEqual(pick('none').footprint?.workloads, []);
  assert.equal(pick('all', true).footprint?.coldStart.samples, PROFILES.quick.footprint!.coldStart.samples, 'only the workloads change');
  assert.throws(() => profileFor(parseCommonOptions(['--footprint-workloads', 'router']), ['noop']), /router not among the selected workloads \(noop\)/);
  assert.throws(() => parseCommonOptions(['--footprint-workloads', ' , ']), /needs workload names/);
  assert.equal(PROFILES.default, profileFor({ quick: false }, ALL), 'without the flag: the profile itself');
});
