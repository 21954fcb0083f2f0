// Reference for `router`, stated without a trie: every route is tried against
// the path, and among those that match, the one whose segment kinds (static 0,
// parameter 1, catch-all 2) form the smallest sequence, compared position by
// position, wins. That is what the filters' depth-first trie walk (static
// child, then parameter child, then catch-all, backtracking) finds first.

import type { FilterOutcome, HttpRequest } from '../../runtimes/abi/context.ts';
import { routes, type Route } from './routes.ts';
import { lowerFields, setField, type Fields } from '../lib/fields.ts';

export interface Match {
  route: Route;
  /** Parameter names and captured values, in template order. */
  params: Array<[string, string]>;
}

const KIND_STATIC = 0;
const KIND_PARAM = 1;
const KIND_CATCH_ALL = 2;

/** Segments of a path without its query: the text after the leading "/", split at every "/". */
export function segments(path: string): string[] {
  return path.slice(1).split('/');
}

function tryRoute(route: Route, segs: string[]): { kinds: number[]; params: Array<[string, string]> } | undefined {
  const tsegs = segments(route.template);
  const kinds: number[] = [];
  const params: Array<[string, string]> = [];
  for (let j = 0; j < tsegs.length; j++) {
    const t = tsegs[j]!;
    if (t.startsWith('*')) {
      if (j >= segs.length) return undefined; // a catch-all takes one segment or more
      params.push([t.slice(1), segs.slice(j).join('/')]);
      kinds.push(KIND_CATCH_ALL);
      return { kinds, params };
    }
    if (j >= segs.length) return undefined;
    if (t.startsWith(':')) {
      if (segs[j] === '') return undefined;
      params.push([t.slice(1), segs[j]!]);
      kinds.push(KIND_PARAM);
    } else {
      if (segs[j] !== t) return undefined;
      kinds.push(KIND_STATIC);
    }
  }
  return tsegs.length === segs.length ? { kinds, params } : undefined;
}

function before(a: number[], b: number[]): boolean {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return a.length < b.length;
}

/** The winning route for a path (query already removed), or undefined. */
export function match(list: readonly Route[], pathOnly: string): Match | undefined {
  const segs = segments(pathOnly);
  let best: { route: Route; kinds: number[]; params: Array<[string, string]> } | undefined;
  for (const route of list) {
    const m = tryRoute(route, segs);
    if (m && (!best || before(m.kinds, best.kinds))) best = { route, ...m };
  }
  return best && { route: best.route, params: best.params };
}

/** The upstream path: each ":name" / "*name" segment of the upstream template replaced by that capture. */
export function rewrite(upstream: string, params: Array<[string, string]>): string {
  return (
    '/' +
    segments(upstream)
      .map((s) => (s.startsWith(':') || s.startsWith('*') ? params.find(([n]) => n === s.slice(1))![1] : s))
      .join('/')
  );
}

const ROUTES = routes();

export function expectWith(list: readonly Route[], req: HttpRequest): FilterOutcome {
  const method = req.method.toUpperCase();
  let headers: Fields = lowerFields(req.headers);
  const q = req.path.indexOf('?');
  const pathOnly = q < 0 ? req.path : req.path.slice(0, q);
  const query = q < 0 ? '' : req.path.slice(q);
  const m = match(list, pathOnly);
  if (!m) {
    return {
      result: 'no-route',
      method,
      path: req.path,
      headers,
      body: req.body,
      response: { status: 404, headers: [['content-type', 'text/plain']], body: new TextEncoder().encode('no route\n') },
    };
  }
  headers = setField(headers, 'x-route', m.route.name);
  for (const [name, value] of m.params) headers = setField(headers, 'x-param-' + name, value);
  return { result: '', method, path: rewrite(m.route.upstream, m.params) + query, headers, body: req.body };
}

export function expect(req: HttpRequest): FilterOutcome {
  return expectWith(ROUTES, req);
}
