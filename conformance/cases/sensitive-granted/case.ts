import { defineCase } from '../../cases.ts';

export default defineCase({
  id: 'sensitive-granted',
  level: 'MUST',
  statement: 'a grant makes exactly the granted sensitive header visible and writable; the other stays hidden',
  grants: ['Authorization'],
  steps: [
    {
      label: 'authorization granted, cookie not',
      request: {
        headers: [
          ['Host', 'conformance.test'],
          ['Authorization', 'Bearer secret-token'],
          ['Cookie', 'session=1'],
          ['X-Other', 'o'],
        ],
      },
      expect: {
        headers: [
          ['host', 'conformance.test'],
          ['authorization', 'Bearer rotated'],
          ['cookie', 'session=1'],
          ['x-other', 'o'],
          ['x-names', 'host,authorization,x-other'],
          ['x-seen-authorization', 'Bearer secret-token'],
          ['x-seen-cookie', 'absent'],
        ],
      },
    },
  ],
});
