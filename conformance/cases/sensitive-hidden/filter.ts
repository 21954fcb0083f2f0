// sensitive-hidden: report what the filter can see of the sensitive headers.
import type { FilterModule } from '../../../runtimes/abi/types.ts';

export default {
  handle(req) {
    const names = req.headerNames().join(',');
    const authorization = req.header('authorization') ?? 'absent';
    const cookie = req.header('Cookie') ?? 'absent';
    req.setHeader('x-names', names);
    req.setHeader('x-seen-authorization', authorization);
    req.setHeader('x-seen-cookie', cookie);
    return '';
  },
} satisfies FilterModule;
