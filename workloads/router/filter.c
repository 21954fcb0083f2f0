/* router: a segment trie built at init, walked depth-first per request (static
 * child, then parameter child, then catch-all, backtracking), exactly as
 * workloads/router/README.md says. Static children are found through a
 * per-node open-addressing hash table (FNV-1a, linear probing). */
#include "plugbench.h"

typedef struct route {
  pb_str name;
  size_t nparams;
  pb_str *param_headers; /* "x-param-<name>", template order */
  size_t nparts;
  pb_str *part_text;   /* upstream segments... */
  int32_t *part_index; /* ...or the capture they take (-1: static) */
} route;

typedef struct node {
  pb_str seg;      /* the static segment leading here */
  uint32_t *slots; /* child node index + 1; 0 = empty */
  uint32_t cap, count;
  int32_t param, route, catch_all; /* node / route / route index, or -1 */
} node;

static node *nodes;
static size_t nnodes, nodes_cap;
static route *routes;
static size_t nroutes, routes_cap;

static void *xrealloc(void *p, size_t size) {
  p = realloc(p, size);
  if (!p) __builtin_trap();
  return p;
}

static uint32_t new_node(void) {
  if (nnodes == nodes_cap) {
    nodes_cap = nodes_cap ? nodes_cap * 2 : 64;
    nodes = (node *)xrealloc(nodes, nodes_cap * sizeof(node));
  }
  nodes[nnodes] = (node){{"", 0}, NULL, 0, 0, -1, -1, -1};
  return (uint32_t)nnodes++;
}

static uint32_t fnv1a(pb_str s) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < s.len; i++) h = (h ^ (unsigned char)s.ptr[i]) * 16777619u;
  return h;
}

/* The static child of n for seg, or -1. */
static int32_t static_child(const node *n, pb_str seg) {
  if (!n->count) return -1;
  uint32_t mask = n->cap - 1;
  for (uint32_t i = fnv1a(seg) & mask;; i = (i + 1) & mask) {
    uint32_t slot = n->slots[i];
    if (!slot) return -1;
    if (pb_eq(nodes[slot - 1].seg, seg)) return (int32_t)(slot - 1);
  }
}

static void insert_slot(uint32_t *slots, uint32_t cap, pb_str seg, uint32_t child) {
  uint32_t mask = cap - 1;
  uint32_t i = fnv1a(seg) & mask;
  while (slots[i]) i = (i + 1) & mask;
  slots[i] = child + 1;
}

/* The static child of nodes[parent] for seg, created when missing. */
static uint32_t static_child_add(uint32_t parent, pb_str seg) {
  int32_t found = static_child(&nodes[parent], seg);
  if (found >= 0) return (uint32_t)found;
  uint32_t child = new_node(); /* may move `nodes` */
  nodes[child].seg = pb_strdup(seg);
  node *n = &nodes[parent];
  if ((n->count + 1) * 2 > n->cap) { /* keep the load at most 1/2 */
    uint32_t cap = n->cap ? n->cap * 2 : 4;
    uint32_t *slots = (uint32_t *)calloc(cap, sizeof(uint32_t));
    if (!slots) __builtin_trap();
    for (uint32_t i = 0; i < n->cap; i++) {
      if (n->slots[i]) insert_slot(slots, cap, nodes[n->slots[i] - 1].seg, n->slots[i] - 1);
    }
    free(n->slots);
    n->slots = slots;
    n->cap = cap;
  }
  insert_slot(n->slots, n->cap, seg, child);
  n->count++;
  return child;
}

/* Splits s (without its leading "/") at every "/" into the arena: count in *n. */
static pb_str *split(pb_str s, size_t *n) {
  size_t count = 1;
  for (size_t i = 0; i < s.len; i++) count += s.ptr[i] == '/';
  pb_str *out = (pb_str *)pb_alloc(count * sizeof(pb_str));
  size_t k = 0, start = 0;
  for (size_t i = 0; i <= s.len; i++) {
    if (i == s.len || s.ptr[i] == '/') {
      out[k++] = pb_slice(s, start, i - start);
      start = i + 1;
    }
  }
  *n = count;
  return out;
}

static bool is_name(pb_str s) {
  if (!s.len) return false;
  for (size_t i = 0; i < s.len; i++) {
    char c = s.ptr[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

static pb_str fail(pb_str *error, pb_str what, pb_str name) {
  pb_buf b = {0};
  pb_buf_put(&b, PB_STR("router: route "));
  pb_buf_put(&b, name);
  pb_buf_put(&b, PB_STR(": "));
  pb_buf_put(&b, what);
  return *error = pb_buf_str(&b);
}

/* Appends the route (params: its parameter names, in template order) and returns its index, or -1. */
static int32_t make_route(pb_str name, pb_str *params, size_t nparams, pb_str upstream, pb_str *error) {
  size_t nparts;
  pb_str *parts = split(pb_slice(upstream, 1, upstream.len), &nparts);
  if (nroutes == routes_cap) {
    routes_cap = routes_cap ? routes_cap * 2 : 64;
    routes = (route *)xrealloc(routes, routes_cap * sizeof(route));
  }
  route *r = &routes[nroutes];
  r->name = pb_strdup(name);
  r->nparams = nparams;
  r->param_headers = (pb_str *)xrealloc(NULL, (nparams ? nparams : 1) * sizeof(pb_str));
  for (size_t i = 0; i < nparams; i++) {
    pb_buf b = {0};
    pb_buf_put(&b, PB_STR("x-param-"));
    pb_buf_put(&b, params[i]);
    r->param_headers[i] = pb_strdup(pb_buf_str(&b));
  }
  r->nparts = nparts;
  r->part_text = (pb_str *)xrealloc(NULL, nparts * sizeof(pb_str));
  r->part_index = (int32_t *)xrealloc(NULL, nparts * sizeof(int32_t));
  for (size_t i = 0; i < nparts; i++) {
    pb_str seg = parts[i];
    r->part_index[i] = -1;
    r->part_text[i] = (pb_str){"", 0};
    if (seg.len && (seg.ptr[0] == ':' || seg.ptr[0] == '*')) {
      pb_str p = pb_slice(seg, 1, seg.len);
      for (size_t j = 0; j < nparams; j++) {
        if (pb_eq(params[j], p)) r->part_index[i] = (int32_t)j;
      }
      if (r->part_index[i] < 0) {
        fail(error, PB_STR("upstream uses an unknown parameter"), name);
        return -1;
      }
    } else {
      r->part_text[i] = pb_strdup(seg);
    }
  }
  return (int32_t)nroutes++;
}

static bool add_route(pb_str line, pb_str *error) {
  /* Exactly three non-empty fields separated by single spaces. */
  pb_str f[3];
  size_t nf = 0, start = 0;
  for (size_t i = 0; i <= line.len; i++) {
    if (i == line.len || line.ptr[i] == ' ') {
      if (nf == 3 || i == start) {
        fail(error, PB_STR("is not \"<name> <template> <upstream>\""), line);
        return false;
      }
      f[nf++] = pb_slice(line, start, i - start);
      start = i + 1;
    }
  }
  if (nf != 3) {
    fail(error, PB_STR("is not \"<name> <template> <upstream>\""), line);
    return false;
  }
  pb_str name = f[0], template = f[1], upstream = f[2];
  if (template.ptr[0] != '/' || upstream.ptr[0] != '/') {
    fail(error, PB_STR("templates start with \"/\""), name);
    return false;
  }
  size_t nsegs;
  pb_str *segs = split(pb_slice(template, 1, template.len), &nsegs);
  pb_str *params = (pb_str *)pb_alloc(nsegs * sizeof(pb_str));
  size_t nparams = 0;
  bool root_route = pb_eq(template, PB_STR("/"));
  uint32_t n = 0;
  for (size_t i = 0; i < nsegs; i++) {
    pb_str seg = segs[i];
    if (seg.len && (seg.ptr[0] == ':' || seg.ptr[0] == '*')) {
      pb_str p = pb_slice(seg, 1, seg.len);
      bool dup = false;
      for (size_t j = 0; j < nparams; j++) dup |= pb_eq(params[j], p);
      if (!is_name(p) || dup) {
        fail(error, PB_STR("bad parameter"), name);
        return false;
      }
      params[nparams++] = p;
      if (seg.ptr[0] == '*') {
        if (i != nsegs - 1) {
          fail(error, PB_STR("a catch-all must be the last segment"), name);
          return false;
        }
        if (nodes[n].catch_all >= 0) {
          fail(error, PB_STR("duplicates another route"), name);
          return false;
        }
        int32_t r = make_route(name, params, nparams, upstream, error);
        if (r < 0) return false;
        nodes[n].catch_all = r;
        return true;
      }
      if (nodes[n].param < 0) {
        uint32_t child = new_node();
        nodes[n].param = (int32_t)child;
      }
      n = (uint32_t)nodes[n].param;
    } else {
      if (!seg.len && !root_route) {
        fail(error, PB_STR("empty segment"), name);
        return false;
      }
      n = static_child_add(n, seg);
    }
  }
  if (nodes[n].route >= 0) {
    fail(error, PB_STR("duplicates another route"), name);
    return false;
  }
  int32_t r = make_route(name, params, nparams, upstream, error);
  if (r < 0) return false;
  nodes[n].route = r;
  return true;
}

static bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* The config is {"routes": ["<name> <template> <upstream>", ...]}; route strings hold no escapes. */
bool pb_init(pb_str config, pb_str *error) {
  nnodes = 0;
  nroutes = 0;
  new_node(); /* the root */
  pb_str key = PB_STR("\"routes\"");
  size_t i = 0;
  while (i + key.len <= config.len && memcmp(config.ptr + i, key.ptr, key.len) != 0) i++;
  i += key.len;
  while (i < config.len && is_ws(config.ptr[i])) i++;
  if (i >= config.len || config.ptr[i++] != ':') goto bad;
  while (i < config.len && is_ws(config.ptr[i])) i++;
  if (i >= config.len || config.ptr[i++] != '[') goto bad;
  for (bool first = true;; first = false) {
    while (i < config.len && is_ws(config.ptr[i])) i++;
    if (i < config.len && config.ptr[i] == ']' && first) return true;
    if (i >= config.len || config.ptr[i++] != '"') goto bad;
    size_t start = i;
    while (i < config.len && config.ptr[i] != '"') {
      if (config.ptr[i] == '\\' || (unsigned char)config.ptr[i] < 0x20) goto bad;
      i++;
    }
    if (i >= config.len) goto bad;
    if (!add_route(pb_slice(config, start, i - start), error)) return false;
    i++;
    while (i < config.len && is_ws(config.ptr[i])) i++;
    if (i < config.len && config.ptr[i] == ']') return true;
    if (i >= config.len || config.ptr[i++] != ',') goto bad;
  }
bad:
  *error = PB_STR("router: config needs \"routes\": [ strings without escapes ]");
  return false;
}

/* The walk's state for the request in flight. */
static pb_str path_only;
static pb_str *segs;
static size_t nsegs;
static pb_str *captures;
static size_t ncap;

/* Depth-first: static child, then parameter child, then catch-all; backtracks on failure. */
static int32_t walk(uint32_t n, size_t i) {
  if (i == nsegs) return nodes[n].route;
  pb_str seg = segs[i];
  int32_t child = static_child(&nodes[n], seg);
  if (child >= 0) {
    int32_t r = walk((uint32_t)child, i + 1);
    if (r >= 0) return r;
  }
  if (nodes[n].param >= 0 && seg.len) {
    captures[ncap++] = seg;
    int32_t r = walk((uint32_t)nodes[n].param, i + 1);
    if (r >= 0) return r;
    ncap--;
  }
  if (nodes[n].catch_all >= 0) {
    size_t start = (size_t)(seg.ptr - path_only.ptr);
    captures[ncap++] = pb_slice(path_only, start, path_only.len - start);
    return nodes[n].catch_all;
  }
  return -1;
}

pb_str pb_handle(void) {
  pb_str path = pb_path();
  ptrdiff_t q = pb_index_of(path, '?');
  path_only = q < 0 ? path : pb_slice(path, 0, (size_t)q);
  /* Split after the leading "/": "/" is one empty segment, "/a/" is "a" and "". */
  segs = split(pb_slice(path_only, 1, path_only.len), &nsegs);
  captures = (pb_str *)pb_alloc(nsegs * sizeof(pb_str));
  ncap = 0;
  int32_t found = walk(0, 0);
  if (found < 0) {
    static const pb_field headers[] = {PB_HEADER("content-type", "text/plain")};
    pb_respond(404, headers, PB_COUNT(headers), PB_BYTES("no route\n"));
    return PB_STR("no-route");
  }
  const route *r = &routes[found];
  pb_buf out = {0};
  for (size_t i = 0; i < r->nparts; i++) {
    pb_buf_putc(&out, '/');
    pb_buf_put(&out, r->part_index[i] >= 0 ? captures[r->part_index[i]] : r->part_text[i]);
  }
  if (q >= 0) pb_buf_put(&out, pb_slice(path, (size_t)q, path.len - (size_t)q));
  pb_set_path(pb_buf_str(&out));
  pb_set_header(PB_STR("x-route"), r->name);
  for (size_t i = 0; i < r->nparams; i++) pb_set_header(r->param_headers[i], captures[i]);
  return PB_CONTINUE;
}
