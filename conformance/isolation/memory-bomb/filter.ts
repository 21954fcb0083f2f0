// isolation/memory-bomb: keeps allocating 1 MiB blocks on the hazard request.
// Plain arrays of doubles, so the memory is the engine's own heap (V8's heap on
// native, not ArrayBuffer backing stores outside it).
import type { FilterModule } from '../../../runtimes/abi/types.ts';

const hold: number[][] = [];

export default {
  handle(req) {
    if (req.path() === '/hazard') {
      for (;;) hold.push(new Array<number>(1 << 17).fill(hold.length + 0.5));
    }
    return 'ok';
  },
} satisfies FilterModule;
