// Reference for `headers`, stated on plain arrays without the ABI's request
// context, so a bug in the context cannot hide in both sides of the comparison.

import type { FilterOutcome, HttpRequest } from '../../runtimes/abi/context.ts';
import { fnv1a32, hex8 } from '../lib/fnv1a.ts';
import { lowerFields, setField, type Fields } from '../lib/fields.ts';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

export function isHopByHop(name: string): boolean {
  return HOP_BY_HOP.has(name) || name.startsWith('proxy-');
}

export function requestId(method: string, path: string): string {
  return 'pb-' + hex8(fnv1a32(method + ' ' + path));
}

export function expect(req: HttpRequest): FilterOutcome {
  const method = req.method.toUpperCase();
  let fields: Fields = lowerFields(req.headers);
  const base = { method, path: req.path, body: req.body };

  if (!fields.some(([n]) => n === 'host')) {
    return {
      ...base,
      result: 'missing-host',
      headers: fields,
      response: {
        status: 400,
        headers: [['content-type', 'text/plain']],
        body: new TextEncoder().encode('missing host header\n'),
      },
    };
  }
  fields = fields.filter(([n]) => !isHopByHop(n));
  const legacy = fields.find(([n]) => n === 'x-legacy-user');
  if (legacy) {
    fields = setField(fields, 'x-user', legacy[1]);
    fields = fields.filter(([n]) => n !== 'x-legacy-user');
  }
  fields = setField(fields, 'x-request-id', requestId(method, req.path));
  fields.push(['via', '1.1 plugbench']);
  return { ...base, result: '', headers: fields };
}
