// init-config: keep the config text from init and answer with it as the body (UTF-8).
// (On native, instances share this module's state: one instance per case here.)
import type { FilterModule } from '../../../runtimes/abi/types.ts';

let config: string | undefined;

export default {
  init(text) {
    config = text;
  },
  handle(req) {
    req.setBody(config ?? 'init was not called');
    return '';
  },
} satisfies FilterModule;
