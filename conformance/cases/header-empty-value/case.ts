import { defineCase } from '../../cases.ts';

export default defineCase({
  id: 'header-empty-value',
  level: 'MUST',
  statement: 'an empty header value is a value: header returns "" (not absent), and set-header and add-header accept ""',
  steps: [
    {
      label: 'an empty value arrives, empty values are written',
      request: { headers: [['Host', 'conformance.test'], ['X-Empty', '']] },
      expect: {
        headers: [
          ['host', 'conformance.test'],
          ['x-empty', ''],
          ['x-seen', 'present:0'],
          ['x-set-empty', ''],
          ['x-add-empty', ''],
        ],
      },
    },
    {
      label: 'the name is absent',
      request: { headers: [['Host', 'conformance.test']] },
      expect: {
        headers: [
          ['host', 'conformance.test'],
          ['x-seen', 'absent'],
          ['x-set-empty', ''],
          ['x-add-empty', ''],
        ],
      },
    },
  ],
});
