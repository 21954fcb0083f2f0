// invalid-input-refused: each path makes one host call the host must refuse; /ok marks x-ok.
import type { FilterModule } from '../../../runtimes/abi/types.ts';

export default {
  handle(req) {
    switch (req.path()) {
      case '/crlf':
        req.setHeader('x-v', 'a\r\nx-injected: 1');
        return 'not-refused';
      case '/name':
        req.addHeader('bad name', 'v');
        return 'not-refused';
      case '/path':
        req.setPath('no-slash');
        return 'not-refused';
      case '/path-space':
        req.setPath('/a b');
        return 'not-refused';
      case '/status':
        req.respond(1000, [], 'x');
        return 'not-refused';
    }
    req.setHeader('x-ok', 'yes');
    return '';
  },
} satisfies FilterModule;
