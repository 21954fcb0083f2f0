// isolation/oversized-body: a 100 MiB set-body on the hazard request.
import type { FilterModule } from '../../../runtimes/abi/types.ts';

export default {
  handle(req) {
    if (req.path() === '/hazard') req.setBody(new Uint8Array(100 * 1024 * 1024).fill(0x61));
    return 'ok';
  },
} satisfies FilterModule;
