// header-multi-value: first value, add-header appends, set-header replaces all.
import type { FilterModule } from '../../../runtimes/abi/types.ts';

export default {
  handle(req) {
    req.setHeader('x-first', req.header('X-Multi') ?? 'absent');
    req.addHeader('VIA', '1.1 plugbench');
    req.setHeader('x-multi', 'only');
    req.addHeader('x-added', 'a');
    req.addHeader('X-Added', 'b');
    req.setHeader('x-added-first', req.header('x-added') ?? 'absent');
    return '';
  },
} satisfies FilterModule;
