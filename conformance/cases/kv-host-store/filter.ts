// kv-host-store: answer with two values the host stored, as text; store a literal.
import type { FilterModule } from '../../../runtimes/abi/types.ts';

export default {
  handle(req, host) {
    req.setBody(`${host.kvGet('latin') ?? 'absent'}|${host.kvGet('wide') ?? 'absent'}`);
    host.kvSet('written', 'héllo ✓');
    return '';
  },
} satisfies FilterModule;
