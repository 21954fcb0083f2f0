import { defineCase } from '../../cases.ts';

export default defineCase({
  id: 'body-empty',
  level: 'MUST',
  statement: 'body of a request without a body is empty bytes (not an error, not absent)',
  steps: [
    {
      label: 'GET without a body',
      request: { method: 'GET', path: '/' },
      expect: { headers: [['host', 'conformance.test'], ['x-body-length', '0']] },
    },
    {
      label: 'POST with content-length: 0',
      request: { method: 'POST', path: '/submit', headers: [['Host', 'conformance.test'], ['Content-Length', '0']] },
      expect: { headers: [['host', 'conformance.test'], ['content-length', '0'], ['x-body-length', '0']] },
    },
  ],
});
