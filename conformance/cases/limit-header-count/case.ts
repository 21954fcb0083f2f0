import { defineCase } from '../../cases.ts';

const H = ['host', 'conformance.test'] as [string, string];

export default defineCase({
  id: 'limit-header-count',
  level: 'MUST',
  statement: 'adding headers beyond the host limit fails the call with an error naming the limit (no crash), and the host stays usable',
  limits: { maxHeaders: 8 },
  steps: [
    {
      label: 'add 5 headers to 3 (exactly the limit of 8)',
      request: { path: '/exact', headers: [['Host', 'conformance.test'], ['A', '1'], ['B', '2']] },
      expect: {
        headers: [H, ['a', '1'], ['b', '2'], ...[1, 2, 3, 4, 5].map((i) => [`x-extra-${i}`, String(i)] as [string, string])],
      },
    },
    { label: 'add 20 headers to 3 (limit 8)', request: { path: '/overflow', headers: [['Host', 'conformance.test'], ['A', '1'], ['B', '2']] }, expect: { error: /limit of 8 headers/ } },
    {
      label: 'an ordinary request afterwards',
      request: { path: '/ok', headers: [['Host', 'conformance.test']] },
      expect: { headers: [H, ['x-ok', 'yes']] },
    },
  ],
});
