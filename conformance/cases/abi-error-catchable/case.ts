import { defineCase } from '../../cases.ts';

export default defineCase({
  id: 'abi-error-catchable',
  level: 'SHOULD',
  statement: "in a guest language with exceptions, a host call the host refuses raises that language's catchable error, with the host's message, and the request goes on",
  limits: { maxHeaderBytes: 64 },
  absent: {
    'filter.wasm':
      'C has no exceptions: a refused host call ends the call and poisons the instance (runtimes/wasm/README.md); ' +
      'the limit-* and sensitive-write-denied cases cover that path',
  },
  steps: [
    {
      label: 'a refused set-header, caught',
      request: { headers: [['Host', 'conformance.test']] },
      expect: {
        result: 'caught',
        headers: [
          ['host', 'conformance.test'],
          ['x-caught', 'limit'],
        ],
      },
    },
  ],
});
