// init-error: init refuses a config carrying "refuse", with that text as its reason.
import type { FilterModule } from '../../../runtimes/abi/types.ts';

export default {
  init(config) {
    const parsed = JSON.parse(config) as { refuse?: string };
    if (parsed.refuse !== undefined) throw new Error(parsed.refuse);
  },
  handle() {
    return 'deployed';
  },
} satisfies FilterModule;
