import { fileURLToPath } from 'node:url';
import type { Workload } from '../types.ts';
import { expect } from './check.ts';
import { corpus } from './corpus.ts';

export default {
  name: 'headers',
  dir: fileURLToPath(new URL('.', import.meta.url)),
  summary: 'header hygiene: reject without host, drop hop-by-hop, rename, request id, via',
  config: '{}',
  corpus,
  expect,
} satisfies Workload;
