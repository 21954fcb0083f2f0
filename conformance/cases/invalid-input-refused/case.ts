import { defineCase } from '../../cases.ts';

const request = (path: string) => ({ path, headers: [['Host', 'conformance.test']] as Array<[string, string]> });

export default defineCase({
  id: 'invalid-input-refused',
  level: 'MUST',
  statement: 'the host refuses what would corrupt the HTTP message: CR/LF in a header value, a non-token header name, a path that is not origin-form, a status outside 200-599',
  steps: [
    { label: 'set-header value with CR LF (header injection)', request: request('/crlf'), expect: { error: /set-header.*not a valid header value/, unchanged: true } },
    { label: 'add-header name with a space', request: request('/name'), expect: { error: /add-header.*not a valid header name/, unchanged: true } },
    { label: 'set-path without the leading slash', request: request('/path'), expect: { error: /set-path.*not an origin-form path/, unchanged: true } },
    { label: 'set-path with a space', request: request('/path-space'), expect: { error: /set-path.*not an origin-form path/, unchanged: true } },
    { label: 'respond with status 1000', request: request('/status'), expect: { error: /respond: status 1000 is not in 200\.\.599/, unchanged: true } },
    { label: 'an ordinary request afterwards', request: request('/ok'), expect: { headers: [['host', 'conformance.test'], ['x-ok', 'yes']] } },
  ],
});
