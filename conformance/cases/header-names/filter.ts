// header-names: the names before and after adding one, joined with ",".
import type { FilterModule } from '../../../runtimes/abi/types.ts';

export default {
  handle(req) {
    const before = req.headerNames().join(',');
    req.addHeader('X-New', 'n');
    const after = req.headerNames().join(',');
    req.setHeader('x-names', before);
    req.setHeader('x-names-after', after);
    return '';
  },
} satisfies FilterModule;
