import { defineCase } from '../../cases.ts';

const H = ['host', 'conformance.test'] as [string, string];

export default defineCase({
  id: 'limit-body-size',
  level: 'MUST',
  statement: 'set-body or respond with a body larger than the host limit fails the call with an error naming the limit (no crash), and the host stays usable',
  limits: { maxBodyBytes: 1024 },
  steps: [
    { label: 'set-body of exactly 1024 bytes (limit 1024)', request: { method: 'POST', path: '/exact', body: 'x' }, expect: { body: new Uint8Array(1024).fill(0x61) } },
    { label: 'set-body of 2048 bytes (limit 1024)', request: { method: 'POST', path: '/set-body', body: 'x' }, expect: { error: /set-body.*exceeds the limit of 1024/, unchanged: true } },
    { label: 'respond with 2048 bytes (limit 1024)', request: { path: '/respond' }, expect: { error: /respond.*exceeds the limit of 1024/, unchanged: true } },
    { label: 'an ordinary request afterwards', request: { path: '/ok' }, expect: { headers: [H, ['x-ok', 'yes']] } },
  ],
});
