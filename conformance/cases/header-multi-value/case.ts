import { defineCase } from '../../cases.ts';

export default defineCase({
  id: 'header-multi-value',
  level: 'MUST',
  statement: 'header returns the first of repeated values; add-header appends a value; set-header replaces every value of the name',
  steps: [
    {
      label: 'repeated names, interleaved',
      request: {
        headers: [
          ['Host', 'conformance.test'],
          ['Via', '1.0 edge'],
          ['X-Multi', 'one'],
          ['Accept', '*/*'],
          ['x-multi', 'two'],
          ['X-MULTI', 'three'],
        ],
      },
      expect: {
        headers: [
          ['host', 'conformance.test'],
          ['via', '1.0 edge'],
          ['x-multi', 'only'],
          ['accept', '*/*'],
          ['x-first', 'one'],
          ['via', '1.1 plugbench'],
          ['x-added', 'a'],
          ['x-added', 'b'],
          ['x-added-first', 'a'],
        ],
      },
    },
  ],
});
