// kv-deployment-isolation: on x-kv-put, kv-set the shared key; always report kv-get of it in x-kv-value.
import type { FilterModule } from '../../../runtimes/abi/types.ts';

export default {
  handle(req, host) {
    const put = req.header('x-kv-put');
    if (put !== undefined) host.kvSet('conformance-key', put);
    req.setHeader('x-kv-value', host.kvGet('conformance-key') ?? 'absent');
    return '';
  },
} satisfies FilterModule;
