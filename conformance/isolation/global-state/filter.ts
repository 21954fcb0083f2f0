// isolation/global-state: module-level state, written by one deployment, read by another.
import type { FilterModule } from '../../../runtimes/abi/types.ts';

const names: string[] = [];
let name = '';

export default {
  init(config) {
    name = (JSON.parse(config) as { name: string }).name;
  },
  handle(req) {
    if (req.path() === '/write') names.push(name);
    return 'seen:' + names.join(',');
  },
} satisfies FilterModule;
