// now-ms: two readings of the host clock, printed with 3 decimals.
import type { FilterModule } from '../../../runtimes/abi/types.ts';

export default {
  handle(req, host) {
    const a = host.nowMs();
    const b = host.nowMs();
    req.setHeader('x-now-1', a.toFixed(3));
    req.setHeader('x-now-2', b.toFixed(3));
    return '';
  },
} satisfies FilterModule;
