import { defineCase } from '../../cases.ts';

const request = (path: string) => ({
  path,
  headers: [
    ['Host', 'conformance.test'],
    ['Authorization', 'Bearer secret-token'],
    ['Cookie', 'session=1'],
  ] as Array<[string, string]>,
});

export default defineCase({
  id: 'sensitive-write-denied',
  level: 'MUST',
  statement: 'writing a sensitive header the deployment was not granted is refused with a clear error, changes nothing, and the host stays usable',
  steps: [
    { label: 'set-header authorization', request: request('/set'), expect: { error: /set-header\b.*\bauthorization\b.*not granted/i, unchanged: true } },
    { label: 'add-header Cookie', request: request('/add'), expect: { error: /add-header\b.*\bcookie\b.*not granted/i, unchanged: true } },
    { label: 'remove-header authorization', request: request('/remove'), expect: { error: /remove-header\b.*\bauthorization\b.*not granted/i, unchanged: true } },
    {
      label: 'an ordinary request afterwards',
      request: request('/ok'),
      expect: {
        headers: [
          ['host', 'conformance.test'],
          ['authorization', 'Bearer secret-token'],
          ['cookie', 'session=1'],
          ['x-ok', 'yes'],
        ],
      },
    },
  ],
});
