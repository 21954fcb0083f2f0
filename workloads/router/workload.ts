import { fileURLToPath } from 'node:url';
import type { Workload } from '../types.ts';
import { expect } from './check.ts';
import { corpus } from './corpus.ts';
import { configText } from './routes.ts';

export default {
  name: 'router',
  dir: fileURLToPath(new URL('.', import.meta.url)),
  summary: '200 route templates in a segment trie: rewrite to the upstream, x-route and x-param-* headers, 404 no-route',
  config: configText(),
  corpus,
  expect,
} satisfies Workload;
