import { defineCase } from '../../cases.ts';

const H = ['host', 'conformance.test'] as [string, string];

export default defineCase({
  id: 'method-path-read',
  level: 'MUST',
  statement: 'method returns the request method and path returns path and query exactly as received',
  steps: [
    {
      label: 'percent-encoding and a query',
      request: { method: 'PATCH', path: '/a/b%20c/%C3%A9?x=1&y=%2F&z', headers: [['Host', 'conformance.test']] },
      expect: { headers: [H, ['x-method', 'PATCH'], ['x-path', '/a/b%20c/%C3%A9?x=1&y=%2F&z']] },
    },
    {
      label: 'the root',
      request: { method: 'GET', path: '/', headers: [['Host', 'conformance.test']] },
      expect: { headers: [H, ['x-method', 'GET'], ['x-path', '/']] },
    },
    {
      label: 'an empty query',
      request: { method: 'OPTIONS', path: '/search?', headers: [['Host', 'conformance.test']] },
      expect: { headers: [H, ['x-method', 'OPTIONS'], ['x-path', '/search?']] },
    },
    {
      label: 'repeated slashes and a dot segment',
      request: { method: 'DELETE', path: '//double//slash/./x?q=a+b#frag', headers: [['Host', 'conformance.test']] },
      expect: { headers: [H, ['x-method', 'DELETE'], ['x-path', '//double//slash/./x?q=a+b#frag']] },
    },
  ],
});
