import { defineCase } from '../../cases.ts';

const H = ['host', 'conformance.test'] as [string, string];

export default defineCase({
  id: 'set-path',
  level: 'MUST',
  statement: 'set-path rewrites path and query, and path then returns the new value',
  steps: [
    {
      label: 'prefix a path with a query',
      request: { path: '/api/items?id=7&q=a%20b' },
      expect: { path: '/v2/api/items?id=7&q=a%20b', headers: [H, ['x-path-after', '/v2/api/items?id=7&q=a%20b']] },
    },
    {
      label: 'an empty query survives',
      request: { path: '/search?' },
      expect: { path: '/v2/search?', headers: [H, ['x-path-after', '/v2/search?']] },
    },
    {
      label: 'a fragment and encoded slashes',
      request: { path: '/a%2Fb/?q=%3F&r#frag' },
      expect: { path: '/v2/a%2Fb/?q=%3F&r#frag', headers: [H, ['x-path-after', '/v2/a%2Fb/?q=%3F&r#frag']] },
    },
    {
      label: 'the root',
      request: { path: '/' },
      expect: { path: '/v2/', headers: [H, ['x-path-after', '/v2/']] },
    },
  ],
});
