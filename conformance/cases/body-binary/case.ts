import { allByteValues, defineCase, fnv1a32Hex } from '../../cases.ts';

const up = allByteValues();
const body = new Uint8Array(512);
body.set(up, 0);
body.set(up.slice().reverse(), 256);
const nul = new Uint8Array([0, 0, 0x0d, 0x0a, 0, 0xff]);

export default defineCase({
  id: 'body-binary',
  level: 'MUST',
  statement: 'body returns the request body byte for byte, every value 0-255 (NUL, CR LF, invalid UTF-8) included',
  steps: [
    {
      label: 'bytes 0-255 then 255-0',
      request: { method: 'POST', headers: [['Host', 'conformance.test'], ['Content-Type', 'application/octet-stream']], body },
      expect: {
        headers: [
          ['host', 'conformance.test'],
          ['content-type', 'application/octet-stream'],
          ['x-body-length', '512'],
          ['x-body-fnv1a', fnv1a32Hex(body)],
        ],
      },
    },
    {
      label: 'NULs, CR LF and 0xFF',
      request: { method: 'PUT', body: nul },
      expect: { headers: [['host', 'conformance.test'], ['x-body-length', '6'], ['x-body-fnv1a', fnv1a32Hex(nul)]] },
    },
  ],
});
