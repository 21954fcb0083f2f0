// isolation/shared-builtins: deployment A changes Object.prototype; does B (or the host) see it?
import type { FilterModule } from '../../../runtimes/abi/types.ts';

const KEY = '__pbIsolationMarker';
let name = '';

export default {
  init(config) {
    name = (JSON.parse(config) as { name: string }).name;
  },
  handle(req) {
    if (req.path() === '/write') {
      Object.defineProperty(Object.prototype, KEY, { value: name, configurable: true, writable: true, enumerable: false });
      return 'wrote:' + name;
    }
    const seen = ({} as Record<string, unknown>)[KEY];
    return 'seen:' + (typeof seen === 'string' ? seen : '');
  },
} satisfies FilterModule;
