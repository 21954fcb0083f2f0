// headers: header hygiene at the edge (see README.md for the exact behaviour).
import type { FilterModule } from '../../runtimes/abi/types.ts';
import { fnv1a32, hex8 } from '../lib/fnv1a.ts';

const HOP_BY_HOP = ['connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade'];

export default {
  handle(req) {
    if (req.header('host') === undefined) {
      req.respond(400, [['content-type', 'text/plain']], 'missing host header\n');
      return 'missing-host';
    }
    for (const name of req.headerNames()) {
      if (HOP_BY_HOP.includes(name) || name.startsWith('proxy-')) req.removeHeader(name);
    }
    const legacy = req.header('x-legacy-user');
    if (legacy !== undefined) {
      req.setHeader('x-user', legacy);
      req.removeHeader('x-legacy-user');
    }
    req.setHeader('x-request-id', 'pb-' + hex8(fnv1a32(req.method() + ' ' + req.path())));
    req.addHeader('via', '1.1 plugbench');
    return '';
  },
} satisfies FilterModule;
