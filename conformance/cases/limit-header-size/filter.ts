// limit-header-size: /exact sets a 64-byte field (the host's limit), /overflow a 105-byte one;
// anything else marks x-ok.
import type { FilterModule } from '../../../runtimes/abi/types.ts';

export default {
  handle(req) {
    if (req.path() === '/exact') {
      req.setHeader('x-big', 'v'.repeat(59)); // 5 + 59 = 64 bytes: at the limit
      return '';
    }
    if (req.path() === '/overflow') {
      req.setHeader('x-big', 'v'.repeat(100));
      return 'not-refused';
    }
    req.setHeader('x-ok', 'yes');
    return '';
  },
} satisfies FilterModule;
