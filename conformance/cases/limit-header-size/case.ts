import { defineCase } from '../../cases.ts';

const H = ['host', 'conformance.test'] as [string, string];

export default defineCase({
  id: 'limit-header-size',
  level: 'MUST',
  statement: 'a header field larger than the host limit fails the call with an error naming the limit (no crash), and the host stays usable',
  limits: { maxHeaderBytes: 64 },
  steps: [
    { label: 'a field of exactly 64 bytes (limit 64)', request: { path: '/exact' }, expect: { headers: [H, ['x-big', 'v'.repeat(59)]] } },
    { label: 'set a 100-byte value (limit 64)', request: { path: '/overflow' }, expect: { error: /exceeds the limit of 64/, unchanged: true } },
    { label: 'an ordinary request afterwards', request: { path: '/ok' }, expect: { headers: [H, ['x-ok', 'yes']] } },
  ],
});
