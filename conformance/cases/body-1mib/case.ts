import { defineCase, fnv1a32Hex, pseudoRandomBytes } from '../../cases.ts';

const MIB = 1024 * 1024;
const body = pseudoRandomBytes(MIB);
const reversed = body.slice().reverse();

export default defineCase({
  id: 'body-1mib',
  level: 'MUST',
  statement: 'a 1 MiB body is read whole and exactly, and a 1 MiB set-body replaces it exactly',
  timeoutMs: 30_000,
  steps: [
    {
      label: '1 MiB of pseudo-random bytes, reversed by the filter',
      request: {
        method: 'POST',
        path: '/upload',
        headers: [['Host', 'conformance.test'], ['Content-Length', String(MIB)]],
        body,
      },
      expect: {
        headers: [
          ['host', 'conformance.test'],
          ['content-length', String(MIB)],
          ['x-body-length', String(MIB)],
          ['x-body-fnv1a', fnv1a32Hex(body)],
        ],
        body: reversed,
      },
    },
  ],
});
