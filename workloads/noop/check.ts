// Reference: a noop filter leaves the request exactly as it arrived.

import type { FilterOutcome, HttpRequest } from '../../runtimes/abi/context.ts';

export function expect(req: HttpRequest): FilterOutcome {
  return {
    result: '',
    method: req.method.toUpperCase(),
    path: req.path,
    headers: req.headers.map(([n, v]) => [n.toLowerCase(), v]),
    body: req.body,
  };
}
