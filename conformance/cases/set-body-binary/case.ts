import { allByteValues, defineCase } from '../../cases.ts';

const all = allByteValues();

export default defineCase({
  id: 'set-body-binary',
  level: 'MUST',
  statement: 'set-body replaces the body with any bytes and keeps a declared content-length right (and adds none)',
  steps: [
    {
      label: 'content-length declared',
      request: {
        method: 'POST',
        headers: [['Host', 'conformance.test'], ['Content-Length', '5'], ['Content-Type', 'text/plain']],
        body: 'hello',
      },
      expect: {
        headers: [
          ['host', 'conformance.test'],
          ['content-length', '256'],
          ['content-type', 'text/plain'],
          ['x-old-length', '5'],
        ],
        body: all,
      },
    },
    {
      label: 'no content-length (chunked)',
      request: { method: 'POST', headers: [['Host', 'conformance.test'], ['Transfer-Encoding', 'chunked']], body: 'hi' },
      expect: {
        headers: [['host', 'conformance.test'], ['transfer-encoding', 'chunked'], ['x-old-length', '2']],
        body: all,
      },
    },
    {
      label: 'set to empty',
      request: {
        method: 'POST',
        headers: [['Host', 'conformance.test'], ['Content-Length', '3'], ['X-Mode', 'empty']],
        body: 'abc',
      },
      expect: {
        headers: [['host', 'conformance.test'], ['content-length', '0'], ['x-mode', 'empty'], ['x-old-length', '3']],
        body: new Uint8Array(0),
      },
    },
  ],
});
