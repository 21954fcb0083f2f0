import { allByteValues, defineCase } from '../../cases.ts';

const down = allByteValues().reverse();
const req = (path: string) => ({
  method: 'POST',
  path,
  headers: [['Host', 'conformance.test'], ['Content-Length', '4']] as Array<[string, string]>,
  body: 'ping',
});

export default defineCase({
  id: 'respond-local',
  level: 'MUST',
  statement: 'respond answers with its status, headers (names lower-case, repeats kept) and binary body, and leaves the request as it was',
  steps: [
    {
      label: 'status 418, repeated header, bytes 255-0',
      request: req('/teapot'),
      expect: {
        result: 'responded',
        response: {
          status: 418,
          headers: [
            ['content-type', 'application/octet-stream'],
            ['x-reply', '1'],
            ['x-reply', '2'],
          ],
          body: down,
        },
      },
    },
    {
      label: 'status 204, no headers, no body',
      request: req('/empty'),
      expect: { result: 'responded', response: { status: 204, headers: [], body: new Uint8Array(0) } },
    },
    {
      label: 'no respond: the request goes on',
      request: req('/pass'),
      expect: {},
    },
  ],
});
