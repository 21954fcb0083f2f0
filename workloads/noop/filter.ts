// noop: the boundary cost. No host calls; the result continues the chain.
import type { FilterModule } from '../../runtimes/abi/types.ts';

export default {
  init() {},
  handle() {
    return '';
  },
} satisfies FilterModule;
