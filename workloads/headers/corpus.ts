import { gatewayCorpus } from '../lib/requests.ts';
import type { CorpusItem } from '../types.ts';

export function corpus(): CorpusItem[] {
  return gatewayCorpus(0x68656164, 256);
}
