// isolation/async-throw: an error that surfaces after handle has returned.
import type { FilterModule } from '../../../runtimes/abi/types.ts';

let ran = false;

export default {
  handle(req) {
    if (req.path() === '/hazard') {
      void Promise.resolve().then(() => {
        ran = true;
        throw new Error('hostile filter: rejected after handle returned');
      });
      return 'scheduled';
    }
    if (req.path() === '/status') return ran ? 'ran' : 'pending';
    return 'ok';
  },
} satisfies FilterModule;
