// body-binary: report the body's length and FNV-1a (32 bits) of its bytes.
import type { FilterModule } from '../../../runtimes/abi/types.ts';

function fnv1a32(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

export default {
  handle(req) {
    const body = req.body();
    req.setHeader('x-body-length', String(body.length));
    req.setHeader('x-body-fnv1a', fnv1a32(body));
    return '';
  },
} satisfies FilterModule;
