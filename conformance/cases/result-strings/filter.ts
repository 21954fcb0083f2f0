// result-strings: the result named by the path.
import type { FilterModule } from '../../../runtimes/abi/types.ts';

export default {
  handle(req) {
    switch (req.path()) {
      case '/nothing':
        return;
      case '/deny':
        return 'deny';
      case '/unicode':
        return 'résultat-✓';
      default:
        return '';
    }
  },
} satisfies FilterModule;
