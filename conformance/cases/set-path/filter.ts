// set-path: prefix the path with /v2 and report what path() says afterwards.
import type { FilterModule } from '../../../runtimes/abi/types.ts';

export default {
  handle(req) {
    req.setPath('/v2' + req.path());
    req.setHeader('x-path-after', req.path());
    return '';
  },
} satisfies FilterModule;
