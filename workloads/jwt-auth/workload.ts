import { fileURLToPath } from 'node:url';
import type { Workload } from '../types.ts';
import { CONFIG, expect } from './check.ts';
import { corpus } from './corpus.ts';

export default {
  name: 'jwt-auth',
  dir: fileURLToPath(new URL('.', import.meta.url)),
  summary: 'verify an HS256 bearer JWT (base64url, HMAC-SHA-256 in the guest, exp, aud); x-user from sub or 401',
  config: CONFIG,
  grants: ['authorization'],
  corpus,
  expect,
} satisfies Workload;
