// respond-local: /teapot answers 418 with bytes 255-0; /empty answers 204; anything else goes on.
import type { FilterModule } from '../../../runtimes/abi/types.ts';

export default {
  handle(req) {
    const path = req.path();
    if (path === '/teapot') {
      const body = new Uint8Array(256);
      for (let i = 0; i < 256; i++) body[i] = 255 - i;
      req.respond(418, [['Content-Type', 'application/octet-stream'], ['X-Reply', '1'], ['x-reply', '2']], body);
      return 'responded';
    }
    if (path === '/empty') {
      req.respond(204, []);
      return 'responded';
    }
    return '';
  },
} satisfies FilterModule;
