// isolation/trap-in-init: init throws when the config asks for it.
import type { FilterModule } from '../../../runtimes/abi/types.ts';

export default {
  init(config) {
    if ((JSON.parse(config) as { hazard?: boolean }).hazard) throw new Error('hostile filter: thrown from init');
  },
  handle() {
    return 'ok';
  },
} satisfies FilterModule;
