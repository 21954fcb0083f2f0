// limit-header-count: /exact adds 5 headers (to the host's limit), /overflow 20 (over it);
// anything else marks x-ok.
import type { FilterModule } from '../../../runtimes/abi/types.ts';

export default {
  handle(req) {
    if (req.path() === '/exact') {
      for (let i = 1; i <= 5; i++) req.addHeader(`x-extra-${i}`, String(i)); // 3 + 5 = 8: at the limit
      return '';
    }
    if (req.path() === '/overflow') {
      for (let i = 1; i <= 20; i++) req.addHeader(`x-extra-${i}`, String(i));
      return 'not-refused';
    }
    req.setHeader('x-ok', 'yes');
    return '';
  },
} satisfies FilterModule;
