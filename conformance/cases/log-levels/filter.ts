// log-levels: one record from init, one per level from handle.
import type { FilterModule } from '../../../runtimes/abi/types.ts';

export default {
  init(_config, host) {
    host.log('info', 'conformance: init');
  },
  handle(_req, host) {
    host.log('debug', 'conformance: debug');
    host.log('info', 'conformance: info');
    host.log('warn', 'conformance: warn');
    host.log('error', 'conformance: error, naïve ✓');
    return '';
  },
} satisfies FilterModule;
