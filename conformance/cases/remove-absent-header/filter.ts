// remove-absent-header: remove names that are not there, then report.
import type { FilterModule } from '../../../runtimes/abi/types.ts';

export default {
  handle(req) {
    req.removeHeader('x-absent');
    req.removeHeader('X-ALSO-ABSENT');
    req.removeHeader('x-absent');
    req.setHeader('x-after', `${req.header('x-absent') ?? 'absent'}|${req.header('x-keep') ?? 'absent'}`);
    return '';
  },
} satisfies FilterModule;
