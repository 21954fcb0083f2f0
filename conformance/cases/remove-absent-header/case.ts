import { defineCase } from '../../cases.ts';

export default defineCase({
  id: 'remove-absent-header',
  level: 'MUST',
  statement: 'remove-header of a name the request does not carry is not an error and changes nothing',
  steps: [
    {
      label: 'absent names, any case',
      request: { headers: [['Host', 'conformance.test'], ['X-Keep', '1']] },
      expect: {
        headers: [
          ['host', 'conformance.test'],
          ['x-keep', '1'],
          ['x-after', 'absent|1'],
        ],
      },
    },
    {
      label: 'no headers at all',
      request: { headers: [] },
      expect: { headers: [['x-after', 'absent|absent']] },
    },
  ],
});
