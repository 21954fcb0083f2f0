// isolation/throw-in-handle: a buggy filter that throws on the hazard request.
import type { FilterModule } from '../../../runtimes/abi/types.ts';

export default {
  handle(req) {
    if (req.path() === '/hazard') throw new Error('hostile filter: thrown from handle');
    return 'ok';
  },
} satisfies FilterModule;
