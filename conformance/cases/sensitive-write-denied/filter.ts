// sensitive-write-denied: each path tries one write to a sensitive header
// (not granted: the host refuses it); /ok writes an ordinary one.
import type { FilterModule } from '../../../runtimes/abi/types.ts';

export default {
  handle(req) {
    switch (req.path()) {
      case '/set':
        req.setHeader('authorization', 'Bearer forged');
        break;
      case '/add':
        req.addHeader('Cookie', 'admin=1');
        break;
      case '/remove':
        req.removeHeader('AUTHORIZATION');
        break;
      default:
        req.setHeader('x-ok', 'yes');
    }
    return '';
  },
} satisfies FilterModule;
