// body-empty: report the body's length.
import type { FilterModule } from '../../../runtimes/abi/types.ts';

export default {
  handle(req) {
    req.setHeader('x-body-length', String(req.body().length));
    return '';
  },
} satisfies FilterModule;
