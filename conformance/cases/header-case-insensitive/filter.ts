// header-case-insensitive: read one header under three spellings, then write
// with upper- and mixed-case names.
import type { FilterModule } from '../../../runtimes/abi/types.ts';

export default {
  handle(req) {
    const spellings = ['x-mixed-case', 'X-MIXED-CASE', 'x-MiXeD-cAsE'].map((n) => req.header(n) ?? 'absent');
    req.setHeader('x-read', spellings.join('|'));
    req.setHeader('CONTENT-TYPE', 'application/json');
    req.removeHeader('x-REMOVE-me');
    req.addHeader('X-Added', 'yes');
    req.setHeader('X-KEEP', (req.header('X-Keep') ?? 'absent') + '+set');
    return '';
  },
} satisfies FilterModule;
