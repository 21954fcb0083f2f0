// How long things are measured. `quick` is sized for CI (a few seconds of
// timing per runtime); `default` for numbers worth publishing.

import type { MicroOptions } from './micro.ts';

export interface Profile {
  name: 'quick' | 'default';
  micro: MicroOptions;
}

export const PROFILES: Record<Profile['name'], Profile> = {
  quick: { name: 'quick', micro: { timeMs: 500, warmupMs: 150 } },
  default: { name: 'default', micro: { timeMs: 2000, warmupMs: 400 } },
};
