// set-body-text: set the body, or respond, with a non-ASCII string (encoded as UTF-8 by the host).
import type { FilterModule } from '../../../runtimes/abi/types.ts';

const TEXT = 'héllo ✓ — naïve 𝄞';

export default {
  handle(req) {
    if (req.path() === '/respond') {
      req.respond(200, [['content-type', 'text/plain; charset=utf-8']], TEXT);
      return 'responded';
    }
    req.setBody(TEXT);
    return '';
  },
} satisfies FilterModule;
