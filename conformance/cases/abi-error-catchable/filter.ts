// abi-error-catchable: catch the refusal of an oversized header (the host's
// limit is 64 bytes), check its message names the limit, and go on.
import type { FilterModule } from '../../../runtimes/abi/types.ts';

export default {
  handle(req) {
    try {
      req.setHeader('x-big', 'v'.repeat(100));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      req.setHeader('x-caught', /limit/.test(message) ? 'limit' : 'other: ' + message.slice(0, 40));
      return 'caught';
    }
    return 'not-refused';
  },
} satisfies FilterModule;
