// isolation/deep-recursion: unbounded recursion on the hazard request.
import type { FilterModule } from '../../../runtimes/abi/types.ts';

function down(n: number): number {
  return down(n + 1) + 1;
}

export default {
  handle(req) {
    if (req.path() === '/hazard') return String(down(0));
    return 'ok';
  },
} satisfies FilterModule;
