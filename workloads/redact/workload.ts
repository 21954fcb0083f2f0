import { fileURLToPath } from 'node:url';
import type { Workload } from '../types.ts';
import { expect } from './check.ts';
import { corpus } from './corpus.ts';

export default {
  name: 'redact',
  dir: fileURLToPath(new URL('.', import.meta.url)),
  summary: 'mask Luhn-valid 13-19 digit card numbers in 4 KiB to 1 MiB bodies: bytes in and out of the sandbox',
  config: '{}',
  corpus,
  expect,
} satisfies Workload;
