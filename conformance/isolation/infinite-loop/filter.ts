// isolation/infinite-loop: handle never returns on the hazard request.
import type { FilterModule } from '../../../runtimes/abi/types.ts';

let spins = 0;

export default {
  handle(req) {
    if (req.path() === '/hazard') {
      for (;;) spins++;
    }
    return 'ok';
  },
} satisfies FilterModule;
