import { defineCase } from '../../cases.ts';

export default defineCase({
  id: 'sensitive-hidden',
  level: 'MUST',
  statement: 'authorization and cookie are invisible to a deployment without grants (header, header-names) yet still go upstream untouched',
  steps: [
    {
      label: 'credentials in mixed case',
      request: {
        headers: [
          ['Host', 'conformance.test'],
          ['Authorization', 'Bearer secret-token'],
          ['Cookie', 'session=1'],
          ['X-Other', 'o'],
          ['COOKIE', 'theme=dark'],
        ],
      },
      expect: {
        headers: [
          ['host', 'conformance.test'],
          ['authorization', 'Bearer secret-token'],
          ['cookie', 'session=1'],
          ['x-other', 'o'],
          ['cookie', 'theme=dark'],
          ['x-names', 'host,x-other'],
          ['x-seen-authorization', 'absent'],
          ['x-seen-cookie', 'absent'],
        ],
      },
    },
  ],
});
