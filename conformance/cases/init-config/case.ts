import { defineCase } from '../../cases.ts';

/** Odd spacing, escapes and non-ASCII text: init must get the text exactly, not a re-encoding of it. */
const config = '{ "name":"conformance",  "greeting": "héllo ✓ \\u00e9\\n",\n  "nested": {"list": [1, 2.5, true, null]} }';

export default defineCase({
  id: 'init-config',
  level: 'MUST',
  statement: "init receives the deployment's config text exactly, before the first request, and it holds across requests",
  config,
  steps: [
    {
      label: 'the filter answers with the config it got',
      request: { method: 'POST', headers: [['Host', 'conformance.test'], ['Content-Length', '2']], body: 'hi' },
      expect: {
        headers: [['host', 'conformance.test'], ['content-length', String(new TextEncoder().encode(config).length)]],
        body: config,
      },
    },
    {
      label: 'still the same config on the next request',
      request: { method: 'GET' },
      expect: { headers: [['host', 'conformance.test']], body: config },
    },
  ],
});
