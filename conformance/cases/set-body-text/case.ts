import { defineCase } from '../../cases.ts';

const TEXT = 'héllo ✓ — naïve 𝄞';

export default defineCase({
  id: 'set-body-text',
  level: 'MUST',
  statement: 'text a filter gives set-body or respond becomes its UTF-8 bytes (a TypeScript string, a Lua string literal, a C string)',
  steps: [
    {
      label: 'set-body with text',
      request: { method: 'POST', path: '/set-body', headers: [['Host', 'conformance.test'], ['Content-Length', '1']], body: 'x' },
      expect: {
        headers: [['host', 'conformance.test'], ['content-length', String(new TextEncoder().encode(TEXT).length)]],
        body: TEXT,
      },
    },
    {
      label: 'respond with text',
      request: { path: '/respond' },
      expect: { result: 'responded', response: { status: 200, headers: [['content-type', 'text/plain; charset=utf-8']], body: TEXT } },
    },
  ],
});
