// method-path-read: report method() and path() in headers.
import type { FilterModule } from '../../../runtimes/abi/types.ts';

export default {
  handle(req) {
    req.setHeader('x-method', req.method());
    req.setHeader('x-path', req.path());
    return '';
  },
} satisfies FilterModule;
