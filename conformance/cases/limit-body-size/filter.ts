// limit-body-size: /exact sets a 1024-byte body (the host's limit), /set-body and /respond use
// 2048 bytes (over it); anything else marks x-ok.
import type { FilterModule } from '../../../runtimes/abi/types.ts';

export default {
  handle(req) {
    const path = req.path();
    if (path === '/exact') {
      req.setBody(new Uint8Array(1024).fill(0x61));
      return '';
    }
    if (path === '/set-body') {
      req.setBody(new Uint8Array(2048).fill(0x61));
      return 'not-refused';
    }
    if (path === '/respond') {
      req.respond(200, [['content-type', 'text/plain']], new Uint8Array(2048).fill(0x61));
      return 'not-refused';
    }
    req.setHeader('x-ok', 'yes');
    return '';
  },
} satisfies FilterModule;
