import { defineCase } from '../../cases.ts';

export default defineCase({
  id: 'result-strings',
  level: 'MUST',
  statement: 'handle\'s result reaches the host exactly: "" (or no value where the language has one) continues, any other string is a named result',
  steps: [
    { label: 'empty string', request: { path: '/continue' }, expect: { result: '' } },
    { label: 'no value (nil / undefined)', request: { path: '/nothing' }, expect: { result: '' } },
    { label: 'a named result', request: { path: '/deny' }, expect: { result: 'deny' } },
    { label: 'a non-ASCII named result', request: { path: '/unicode' }, expect: { result: 'résultat-✓' } },
    { label: 'the same instance continues again', request: { path: '/continue' }, expect: { result: '' } },
  ],
});
