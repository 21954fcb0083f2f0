// set-body-binary: replace the body with bytes 0-255 (or nothing, on x-mode: empty).
import type { FilterModule } from '../../../runtimes/abi/types.ts';

export default {
  handle(req) {
    req.setHeader('x-old-length', String(req.body().length));
    if (req.header('x-mode') === 'empty') {
      req.setBody(new Uint8Array(0));
    } else {
      const bytes = new Uint8Array(256);
      for (let i = 0; i < 256; i++) bytes[i] = i;
      req.setBody(bytes);
    }
    return '';
  },
} satisfies FilterModule;
