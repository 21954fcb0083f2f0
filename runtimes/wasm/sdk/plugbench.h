/*
 * plugbench.h: the C guest SDK for plugbench filters (DESIGN §1).
 *
 * A filter is one C file compiled to a WebAssembly component of the world
 * `plugbench:filter/gateway-filter@0.1.0` (runtimes/abi/filter.wit). This
 * header holds the component model's canonical-ABI glue once, for every C
 * filter: the core imports, the exports, `cabi_realloc` and the post-return
 * functions. Include it in exactly one translation unit (define
 * PLUGBENCH_DECLARATIONS_ONLY before including it anywhere else) and implement:
 *
 *     bool   pb_init(pb_str config, pb_str *error); // once per instance
 *     pb_str pb_handle(void);                      // once per request
 *
 * `pb_handle` returns PB_CONTINUE ("") to continue the chain, or a named result
 * such as PB_STR("missing-host"). `pb_init` receives the deployment's JSON
 * config; return false and set *error to refuse the deployment (a filter
 * without configuration just returns true).
 *
 * Memory. Everything the host hands the guest during one pb_init / pb_handle
 * call (method, path, header values, header-name lists, bodies, kv values, the
 * config text) lives in a per-call scratch arena that is released when the call
 * returns to the host. So nothing returned by a pb_* function needs freeing,
 * and nothing may be kept past the call: copy what must outlive it with
 * pb_strdup (malloc, yours to free). pb_alloc and pb_buf use the same arena,
 * for results and headers a filter builds. The arena starts as a static block
 * and overflows into malloc'd blocks, which are returned when the call ends.
 *
 * Errors. The ABI has no error returns: a host call the host refuses (an
 * invalid header name, a limit exceeded, a sensitive header not granted) ends
 * the call with an error, and the instance is poisoned like after a trap.
 *
 * Capabilities. The SDK uses only the freestanding parts of wasi-libc (string
 * functions, malloc): a filter built from it imports nothing but the ABI, so
 * the component needs no WASI adapter and the guest holds no capabilities.
 * Calling stdio, time or file functions would add WASI imports, which the
 * build refuses.
 *
 * Build: `npm run build:wasm` (runtimes/wasm/build.ts, which has the exact flags):
 *   clang --target=wasm32-wasi -O2 -I runtimes/wasm/sdk -c filter.c, linked as a
 *   reactor (-mexec-model=reactor) against wasi-libc, then wit-component's
 *   embed + new (through jco-transpile's wasm-tools) make the component.
 */
#ifndef PLUGBENCH_H
#define PLUGBENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if !defined(__wasm32__)
#error "plugbench.h targets wasm32 (clang --target=wasm32-wasi)"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Types. Their layouts are the canonical ABI's, so host lists are used in   */
/* place: pb_str is a WIT string (ptr, len), a list<string> is an array of   */
/* pb_str, a list<tuple<string, string>> is an array of pb_field.           */

/** A string view: UTF-8 bytes, not NUL-terminated. */
typedef struct pb_str {
  const char *ptr;
  size_t len;
} pb_str;

/** A byte view: any byte values. */
typedef struct pb_bytes {
  const uint8_t *ptr;
  size_t len;
} pb_bytes;

/** A list of strings (header-names). */
typedef struct pb_strs {
  const pb_str *items;
  size_t len;
} pb_strs;

/** One header field: a tuple<string, string>. */
typedef struct pb_field {
  pb_str name;
  pb_str value;
} pb_field;

/** `host.level` in declaration order (the canonical ABI enum discriminants). */
typedef enum pb_level { PB_DEBUG = 0, PB_INFO = 1, PB_WARN = 2, PB_ERROR = 3 } pb_level;

_Static_assert(sizeof(pb_str) == 8 && _Alignof(pb_str) == 4, "pb_str must be a canonical-ABI string");
_Static_assert(sizeof(pb_bytes) == 8, "pb_bytes must be a canonical-ABI list<u8>");
_Static_assert(sizeof(pb_field) == 16 && offsetof(pb_field, value) == 8, "pb_field must be tuple<string, string>");
_Static_assert(sizeof(pb_level) == 4, "pb_level must be an i32");

/** A string literal as a pb_str: PB_STR("x-user"). */
#define PB_STR(lit) ((pb_str){"" lit, sizeof(lit) - 1})
/** Bytes of a string literal: PB_BYTES("hello\n"). */
#define PB_BYTES(lit) ((pb_bytes){(const uint8_t *)"" lit, sizeof(lit) - 1})
/** The result that continues the chain. */
#define PB_CONTINUE ((pb_str){"", 0})
/** A pb_str initializer from a literal, for static tables: static const pb_str names[] = {PB_STR_INIT("te")}. */
#define PB_STR_INIT(lit) {"" lit, sizeof(lit) - 1}
/** A pb_field initializer from two literals, for pb_respond tables:
 *  const pb_field h[] = {PB_HEADER("content-type", "text/plain")}. */
#define PB_HEADER(name, value) {PB_STR_INIT(name), PB_STR_INIT(value)}
/** Element count of an array. */
#define PB_COUNT(array) (sizeof(array) / sizeof((array)[0]))
/** printf-style "%.*s" arguments for a pb_str. */
#define PB_FMT(s) (int)(s).len, (s).ptr

/* ------------------------------------------------------------------------ */
/* What the filter implements.                                               */

/** Once per instance, with the deployment's configuration (JSON text, valid
 *  for this call only). Return true to accept; false with *error set (static
 *  text, pb_alloc or pb_buf memory) to refuse. Optional. */
bool pb_init(pb_str config, pb_str *error);

/** Once per request: PB_CONTINUE, or a named result (static, pb_alloc or pb_buf memory). */
pb_str pb_handle(void);

/* ------------------------------------------------------------------------ */
/* String helpers.                                                            */

static inline pb_str pb_cstr(const char *s) { return (pb_str){s, strlen(s)}; }
static inline pb_str pb_str_of(const char *ptr, size_t len) { return (pb_str){ptr, len}; }
static inline pb_bytes pb_bytes_of(const void *ptr, size_t len) { return (pb_bytes){(const uint8_t *)ptr, len}; }
/** The bytes of a string (for pb_set_body / pb_respond). */
static inline pb_bytes pb_str_bytes(pb_str s) { return (pb_bytes){(const uint8_t *)s.ptr, s.len}; }

static inline bool pb_eq(pb_str a, pb_str b) { return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0); }

static inline char pb_ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? (char)(c + ('a' - 'A')) : c; }

/** ASCII case-insensitive equality (header names). */
static inline bool pb_ieq(pb_str a, pb_str b) {
  if (a.len != b.len) return false;
  for (size_t i = 0; i < a.len; i++) {
    if (pb_ascii_lower(a.ptr[i]) != pb_ascii_lower(b.ptr[i])) return false;
  }
  return true;
}

static inline bool pb_starts_with(pb_str s, pb_str prefix) {
  return s.len >= prefix.len && (prefix.len == 0 || memcmp(s.ptr, prefix.ptr, prefix.len) == 0);
}

/** ASCII case-insensitive prefix test. */
static inline bool pb_istarts_with(pb_str s, pb_str prefix) {
  return s.len >= prefix.len && pb_ieq((pb_str){s.ptr, prefix.len}, prefix);
}

/** Index of the first `c` in `s`, or -1. */
static inline ptrdiff_t pb_index_of(pb_str s, char c) {
  const char *p = s.len ? (const char *)memchr(s.ptr, c, s.len) : NULL;
  return p ? p - s.ptr : -1;
}

/** The sub-string [start, start + len), clamped to `s`. */
static inline pb_str pb_slice(pb_str s, size_t start, size_t len) {
  if (start > s.len) start = s.len;
  if (len > s.len - start) len = s.len - start;
  return (pb_str){s.ptr + start, len};
}

/* ------------------------------------------------------------------------ */
/* Memory: the per-call scratch arena, and persistent copies.                */

/** Scratch memory, 8-byte aligned, valid until the current pb_init / pb_handle
 *  returns. Never NULL (traps when memory is exhausted). */
void *pb_alloc(size_t size);

/** A malloc'd copy of `s` (NUL-terminated too), for state kept across calls. */
static inline pb_str pb_strdup(pb_str s) {
  char *p = (char *)malloc(s.len + 1);
  if (!p) __builtin_trap();
  if (s.len) memcpy(p, s.ptr, s.len);
  p[s.len] = '\0';
  return (pb_str){p, s.len};
}

/** A scratch copy of `s`. */
static inline pb_str pb_scratch_copy(pb_str s) {
  char *p = (char *)pb_alloc(s.len);
  if (s.len) memcpy(p, s.ptr, s.len);
  return (pb_str){p, s.len};
}

/** A growable string in scratch memory: pb_buf b = {0}; pb_buf_put(&b, ...); pb_buf_str(&b). */
typedef struct pb_buf {
  char *ptr;
  size_t len, cap;
} pb_buf;

void pb_buf_reserve(pb_buf *b, size_t extra);

static inline void pb_buf_put(pb_buf *b, pb_str s) {
  if (b->cap - b->len < s.len) pb_buf_reserve(b, s.len);
  if (s.len) memcpy(b->ptr + b->len, s.ptr, s.len);
  b->len += s.len;
}

static inline void pb_buf_putc(pb_buf *b, char c) {
  if (b->cap == b->len) pb_buf_reserve(b, 1);
  b->ptr[b->len++] = c;
}

/** Appends `value` as `digits` lower-case hex digits, zero-padded (digits <= 16). */
static inline void pb_buf_hex(pb_buf *b, uint64_t value, unsigned digits) {
  if (b->cap - b->len < digits) pb_buf_reserve(b, digits);
  for (unsigned i = 0; i < digits; i++) {
    b->ptr[b->len + digits - 1 - i] = "0123456789abcdef"[value & 15];
    value >>= 4;
  }
  b->len += digits;
}

/** Appends the decimal form of `value`. */
static inline void pb_buf_dec(pb_buf *b, int64_t value) {
  char tmp[21];
  size_t n = 0;
  uint64_t u = value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
  do {
    tmp[n++] = (char)('0' + u % 10);
    u /= 10;
  } while (u);
  if (value < 0) tmp[n++] = '-';
  if (b->cap - b->len < n) pb_buf_reserve(b, n);
  while (n) b->ptr[b->len++] = tmp[--n];
}

static inline pb_str pb_buf_str(const pb_buf *b) { return (pb_str){b->ptr ? b->ptr : "", b->len}; }

/* ------------------------------------------------------------------------ */
/* The request in flight (`interface request`). Header names are            */
/* case-insensitive; the host reports them lower-case.                        */

static inline pb_str pb_method(void);
/** Path and query, as received. */
static inline pb_str pb_path(void);
static inline void pb_set_path(pb_str path);
/** First value of header `name`: true and *value set when present (value may be NULL). */
static inline bool pb_header(pb_str name, pb_str *value);
/** Lower-case names, arrival order, no repeats. */
static inline pb_strs pb_header_names(void);
/** Replaces every value. */
static inline void pb_set_header(pb_str name, pb_str value);
/** Appends a value. */
static inline void pb_add_header(pb_str name, pb_str value);
static inline void pb_remove_header(pb_str name);
static inline pb_bytes pb_body(void);
static inline void pb_set_body(pb_bytes body);
/** Ends the request: the gateway answers with this and skips the upstream. */
static inline void pb_respond(uint16_t status, const pb_field *headers, size_t header_count, pb_bytes body);

/* Host services (`interface host`). */

/** Shared by all instances of one deployment: true and *value set when present. */
static inline bool pb_kv_get(pb_str key, pb_str *value);
static inline void pb_kv_set(pb_str key, pb_str value);
/** Host clock, milliseconds since the Unix epoch. */
static inline double pb_now_ms(void);
static inline void pb_log(pb_level level, pb_str message);

/* ======================================================================== */
/* Canonical-ABI glue. Nothing below is API.                                  */
/* ======================================================================== */

#define PB__IMPORT(iface, name) __attribute__((import_module("plugbench:filter/" iface "@0.1.0"), import_name(name)))
#define PB__EXPORT(name) __attribute__((export_name(name), visibility("default")))

/* Core imports, flattened per the canonical ABI. A result with more than one
 * flat value (string, list, option) comes back through a return pointer. */
PB__IMPORT("request", "method") void pb__imp_method(void *ret);
PB__IMPORT("request", "path") void pb__imp_path(void *ret);
PB__IMPORT("request", "set-path") void pb__imp_set_path(const char *ptr, size_t len);
PB__IMPORT("request", "header") void pb__imp_header(const char *ptr, size_t len, void *ret);
PB__IMPORT("request", "header-names") void pb__imp_header_names(void *ret);
PB__IMPORT("request", "set-header") void pb__imp_set_header(const char *name, size_t name_len, const char *value, size_t value_len);
PB__IMPORT("request", "add-header") void pb__imp_add_header(const char *name, size_t name_len, const char *value, size_t value_len);
PB__IMPORT("request", "remove-header") void pb__imp_remove_header(const char *ptr, size_t len);
PB__IMPORT("request", "body") void pb__imp_body(void *ret);
PB__IMPORT("request", "set-body") void pb__imp_set_body(const uint8_t *ptr, size_t len);
PB__IMPORT("request", "respond") void pb__imp_respond(int32_t status, const pb_field *headers, size_t header_count, const uint8_t *body, size_t body_len);
PB__IMPORT("host", "kv-get") void pb__imp_kv_get(const char *ptr, size_t len, void *ret);
PB__IMPORT("host", "kv-set") void pb__imp_kv_set(const char *key, size_t key_len, const char *value, size_t value_len);
PB__IMPORT("host", "now-ms") double pb__imp_now_ms(void);
PB__IMPORT("host", "log") void pb__imp_log(int32_t level, const char *ptr, size_t len);

/* One return area for every import call: one call is in flight at a time and
 * each wrapper copies the result out before returning, so no stack is used.
 * Layout: string / list = {ptr @0, len @4}; option<string> = {tag u8 @0, ptr @4, len @8}. */
typedef union pb__ret {
  pb_str str;
  pb_bytes bytes;
  pb_strs strs;
  struct {
    uint8_t tag;
    pb_str value;
  } option;
} pb__ret;
_Static_assert(sizeof(pb__ret) == 12 && offsetof(pb__ret, option.value) == 4, "option<string> is 12 bytes, payload at 4");
extern pb__ret pb__ret_area;

static inline pb_str pb_method(void) {
  pb__imp_method(&pb__ret_area);
  return pb__ret_area.str;
}
static inline pb_str pb_path(void) {
  pb__imp_path(&pb__ret_area);
  return pb__ret_area.str;
}
static inline void pb_set_path(pb_str path) { pb__imp_set_path(path.ptr, path.len); }
static inline bool pb_header(pb_str name, pb_str *value) {
  pb__imp_header(name.ptr, name.len, &pb__ret_area);
  if (!pb__ret_area.option.tag) return false;
  if (value) *value = pb__ret_area.option.value;
  return true;
}
static inline pb_strs pb_header_names(void) {
  pb__imp_header_names(&pb__ret_area);
  return pb__ret_area.strs;
}
static inline void pb_set_header(pb_str name, pb_str value) { pb__imp_set_header(name.ptr, name.len, value.ptr, value.len); }
static inline void pb_add_header(pb_str name, pb_str value) { pb__imp_add_header(name.ptr, name.len, value.ptr, value.len); }
static inline void pb_remove_header(pb_str name) { pb__imp_remove_header(name.ptr, name.len); }
static inline pb_bytes pb_body(void) {
  pb__imp_body(&pb__ret_area);
  return pb__ret_area.bytes;
}
static inline void pb_set_body(pb_bytes body) { pb__imp_set_body(body.ptr, body.len); }
static inline void pb_respond(uint16_t status, const pb_field *headers, size_t header_count, pb_bytes body) {
  pb__imp_respond(status, headers, header_count, body.ptr, body.len);
}
static inline bool pb_kv_get(pb_str key, pb_str *value) {
  pb__imp_kv_get(key.ptr, key.len, &pb__ret_area);
  if (!pb__ret_area.option.tag) return false;
  if (value) *value = pb__ret_area.option.value;
  return true;
}
static inline void pb_kv_set(pb_str key, pb_str value) { pb__imp_kv_set(key.ptr, key.len, value.ptr, value.len); }
static inline double pb_now_ms(void) { return pb__imp_now_ms(); }
static inline void pb_log(pb_level level, pb_str message) { pb__imp_log((int32_t)level, message.ptr, message.len); }

#ifndef PLUGBENCH_DECLARATIONS_ONLY
/* ------------------------------------------------------------------------ */
/* Definitions: compiled into the filter's translation unit.                  */

pb__ret pb__ret_area;

/* The scratch arena: a static first block, then malloc'd overflow blocks
 * (each its own allocation), all released when the export call ends. */
#ifndef PB_ARENA_STATIC_BYTES
#define PB_ARENA_STATIC_BYTES 16384
#endif
typedef struct pb__block {
  struct pb__block *next;
  size_t used, cap;
  _Alignas(8) unsigned char data[];
} pb__block;

static _Alignas(8) unsigned char pb__arena_static[PB_ARENA_STATIC_BYTES];
static size_t pb__arena_used;
static pb__block *pb__arena_blocks; /* newest first */
static unsigned char *pb__arena_last; /* last allocation, for in-place growth */
static size_t pb__arena_last_size;

static void pb__arena_reset(void) {
  pb__block *b = pb__arena_blocks;
  while (b) {
    pb__block *next = b->next;
    free(b);
    b = next;
  }
  pb__arena_blocks = NULL;
  pb__arena_used = 0;
  pb__arena_last = NULL;
  pb__arena_last_size = 0;
}

static void *pb__arena_alloc(size_t size, size_t align) {
  if (align < 1) align = 1;
  if (size > (SIZE_MAX >> 1)) __builtin_trap(); /* no block can hold it: trap, never wrap */
  size_t off = (pb__arena_used + align - 1) & ~(align - 1);
  if (!pb__arena_blocks && off <= PB_ARENA_STATIC_BYTES && size <= PB_ARENA_STATIC_BYTES - off) {
    pb__arena_used = off + size;
    return pb__arena_last = pb__arena_static + off, pb__arena_last_size = size, pb__arena_last;
  }
  pb__block *b = pb__arena_blocks;
  if (b) {
    uintptr_t base = (uintptr_t)b->data;
    size_t boff = ((base + b->used + align - 1) & ~(uintptr_t)(align - 1)) - base;
    if (boff <= b->cap && size <= b->cap - boff) {
      b->used = boff + size;
      pb__arena_last = b->data + boff;
      pb__arena_last_size = size;
      return pb__arena_last;
    }
  }
  size_t cap = size + align > 8192 ? size + align : 8192;
  b = (pb__block *)malloc(sizeof(pb__block) + cap);
  if (!b) __builtin_trap();
  b->next = pb__arena_blocks;
  pb__arena_blocks = b;
  uintptr_t base = (uintptr_t)b->data;
  size_t boff = ((base + align - 1) & ~(uintptr_t)(align - 1)) - base;
  b->used = boff + size;
  b->cap = cap;
  pb__arena_last = b->data + boff;
  pb__arena_last_size = size;
  return pb__arena_last;
}

/* Grows or shrinks the last allocation in place when it is at the end of its block. */
static bool pb__arena_resize_last(void *ptr, size_t new_size) {
  if (ptr != pb__arena_last || !ptr) return false;
  if (!pb__arena_blocks) {
    size_t off = (size_t)((unsigned char *)ptr - pb__arena_static);
    if (new_size > PB_ARENA_STATIC_BYTES - off) return false;
    pb__arena_used = off + new_size;
  } else {
    pb__block *b = pb__arena_blocks;
    size_t off = (size_t)((unsigned char *)ptr - b->data);
    if (off > b->cap || new_size > b->cap - off) return false;
    b->used = off + new_size;
  }
  pb__arena_last_size = new_size;
  return true;
}

void *pb_alloc(size_t size) { return pb__arena_alloc(size, 8); }

void pb_buf_reserve(pb_buf *b, size_t extra) {
  size_t want = b->len + extra;
  if (want < b->len) __builtin_trap();
  if (want <= b->cap) return;
  size_t cap = b->cap ? b->cap * 2 : 64;
  if (cap < want) cap = want;
  if (b->ptr && pb__arena_resize_last(b->ptr, cap)) {
    b->cap = cap;
    return;
  }
  char *p = (char *)pb__arena_alloc(cap, 1);
  if (b->len) memcpy(p, b->ptr, b->len);
  b->ptr = p;
  b->cap = cap;
}

/* The host allocates every string and list it hands the guest through this. */
PB__EXPORT("cabi_realloc") void *cabi_realloc(void *old_ptr, size_t old_size, size_t align, size_t new_size) {
  if (old_ptr && pb__arena_resize_last(old_ptr, new_size)) return old_ptr;
  void *p = pb__arena_alloc(new_size, align);
  if (old_ptr && old_size) memcpy(p, old_ptr, old_size < new_size ? old_size : new_size);
  return p;
}

/* Export return areas. result<_, string> = {tag u8 @0, string @4}; string = {ptr @0, len @4}. */
static struct {
  uint8_t tag;
  pb_str error;
} pb__init_ret;
static pb_str pb__handle_ret;

/* init: func(config: string) -> result<_, string>. The config text was
 * allocated in the arena by the host before the call. */
PB__EXPORT("plugbench:filter/filter@0.1.0#init") void *pb__export_init(const char *config, size_t config_len) {
  pb_str error = PB_STR("init refused the config");
  bool ok = pb_init((pb_str){config, config_len}, &error);
  pb__init_ret.tag = ok ? 0 : 1;
  pb__init_ret.error = ok ? (pb_str){0, 0} : error;
  return &pb__init_ret;
}

PB__EXPORT("cabi_post_plugbench:filter/filter@0.1.0#init") void pb__post_init(void *ret) {
  (void)ret;
  pb__arena_reset();
}

/* handle: func() -> string. No arguments, so the arena is empty on entry
 * (reset again here in case an earlier call was abandoned by a trap). */
PB__EXPORT("plugbench:filter/filter@0.1.0#handle") void *pb__export_handle(void) {
  if (pb__arena_used | (uintptr_t)pb__arena_blocks) pb__arena_reset();
  pb__handle_ret = pb_handle();
  return &pb__handle_ret;
}

PB__EXPORT("cabi_post_plugbench:filter/filter@0.1.0#handle") void pb__post_handle(void *ret) {
  (void)ret;
  pb__arena_reset();
}
#endif /* PLUGBENCH_DECLARATIONS_ONLY */

#ifdef __cplusplus
}
#endif
#endif /* PLUGBENCH_H */
