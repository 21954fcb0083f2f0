// router: match the path against the configured route templates with a segment
// trie built at init (no regular expressions), rewrite it to the route's
// upstream and name the route and its parameters in headers (see README.md).
import type { FilterModule } from '../../runtimes/abi/types.ts';

interface Route {
  name: string;
  /** Header names "x-param-<name>", in template order (the catch-all last). */
  paramHeaders: string[];
  /** Upstream segments: a static text, or the index of a capture. */
  upstream: Array<string | number>;
}

interface Node {
  statics: Map<string, Node>;
  param: Node | undefined;
  /** The route ending at this node. */
  route: Route | undefined;
  /** The route whose catch-all hangs below this node. */
  catchAll: Route | undefined;
}

const newNode = (): Node => ({ statics: new Map(), param: undefined, route: undefined, catchAll: undefined });

let root = newNode();

function isName(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95)) return false;
  }
  return true;
}

function addRoute(line: string): void {
  const fields = line.split(' ');
  if (fields.length !== 3 || fields[0] === '') throw new Error(`router: route "${line}" is not "<name> <template> <upstream>"`);
  const [name, template, upstreamText] = fields as [string, string, string];
  if (template[0] !== '/' || upstreamText[0] !== '/') throw new Error(`router: route ${name}: templates start with "/"`);
  const segs = template === '/' ? [''] : template.slice(1).split('/');
  const params: string[] = [];
  let node = root;
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i]!;
    const sigil = seg[0];
    if (sigil === ':' || sigil === '*') {
      const p = seg.slice(1);
      if (!isName(p) || params.includes(p)) throw new Error(`router: route ${name}: bad parameter "${seg}"`);
      params.push(p);
      if (sigil === '*') {
        if (i !== segs.length - 1) throw new Error(`router: route ${name}: a catch-all must be the last segment`);
        if (node.catchAll) throw new Error(`router: route ${name} duplicates ${node.catchAll.name}`);
        node.catchAll = route(name, params, upstreamText);
        return;
      }
      node = node.param ??= newNode();
    } else {
      if (seg === '' && template !== '/') throw new Error(`router: route ${name}: empty segment`);
      let child = node.statics.get(seg);
      if (!child) node.statics.set(seg, (child = newNode()));
      node = child;
    }
  }
  if (node.route) throw new Error(`router: route ${name} duplicates ${node.route.name}`);
  node.route = route(name, params, upstreamText);
}

function route(name: string, params: string[], upstreamText: string): Route {
  const upstream = upstreamText
    .slice(1)
    .split('/')
    .map((seg) => {
      if (seg[0] !== ':' && seg[0] !== '*') return seg;
      const i = params.indexOf(seg.slice(1));
      if (i < 0) throw new Error(`router: route ${name}: upstream uses unknown parameter "${seg}"`);
      return i;
    });
  return { name, paramHeaders: params.map((p) => 'x-param-' + p), upstream };
}

// The walk's state for the request in flight.
let segs: string[] = [];
let starts: number[] = [];
let pathOnly = '';
const captures: string[] = [];

/** Depth-first: static child, then parameter child, then catch-all; backtracks on failure. */
function walk(node: Node, i: number): Route | undefined {
  if (i === segs.length) return node.route;
  const seg = segs[i]!;
  const child = node.statics.get(seg);
  if (child) {
    const r = walk(child, i + 1);
    if (r) return r;
  }
  if (node.param && seg !== '') {
    captures.push(seg);
    const r = walk(node.param, i + 1);
    if (r) return r;
    captures.pop();
  }
  if (node.catchAll) {
    captures.push(pathOnly.slice(starts[i]!));
    return node.catchAll;
  }
  return undefined;
}

export default {
  init(text) {
    // Route strings hold no escapes (README): refused here as the Lua and C scanners refuse them.
    if (text.includes('\\')) throw new Error('router: route strings hold no escapes');
    const config = JSON.parse(text) as { routes?: unknown };
    if (!Array.isArray(config.routes)) throw new Error('router: config needs "routes": [ ... ]');
    root = newNode();
    for (const line of config.routes) {
      if (typeof line !== 'string') throw new Error('router: routes are strings');
      addRoute(line);
    }
  },

  handle(req) {
    const path = req.path();
    const q = path.indexOf('?');
    pathOnly = q < 0 ? path : path.slice(0, q);
    // Split after the leading "/": "/" is one empty segment, "/a/" is "a" and "".
    segs = [];
    starts = [];
    let start = 1;
    for (;;) {
      const slash = pathOnly.indexOf('/', start);
      const end = slash < 0 ? pathOnly.length : slash;
      segs.push(pathOnly.slice(start, end));
      starts.push(start);
      if (slash < 0) break;
      start = slash + 1;
    }
    captures.length = 0;
    const route = walk(root, 0);
    if (!route) {
      req.respond(404, [['content-type', 'text/plain']], 'no route\n');
      return 'no-route';
    }
    let out = '';
    for (const part of route.upstream) out += '/' + (typeof part === 'number' ? captures[part] : part);
    req.setPath(q < 0 ? out : out + path.slice(q));
    req.setHeader('x-route', route.name);
    for (let i = 0; i < route.paramHeaders.length; i++) req.setHeader(route.paramHeaders[i]!, captures[i]!);
    return '';
  },
} satisfies FilterModule;
