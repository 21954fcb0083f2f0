/*
 * json.h: a small JSON library (RFC 8259) for plugbench C filters.
 * Header-only, static functions; freestanding libc only (memcpy, malloc,
 * strtod): no stdio, so a filter that includes it imports nothing from WASI.
 * Include it from a filter with a relative path: #include "../lib/json.h".
 *
 * Parsing (json_parse) is strict RFC 8259:
 *   - the text must be UTF-8 (overlong forms, surrogates D800-DFFF and code
 *     points above U+10FFFF are refused), with no byte order mark;
 *   - whitespace is space, tab, LF and CR only; one value, nothing after it;
 *   - no comments, trailing commas, single quotes, NaN/Infinity, leading
 *     zeros, leading '+' or '.', or raw control characters (< 0x20) in strings;
 *   - nesting deeper than JSON_MAX_DEPTH (default 256) arrays/objects is refused.
 * What it does where RFC 8259 leaves a choice (the choices of JSON.parse):
 *   - duplicate keys: the last value wins, at the position of the first key;
 *   - numbers are IEEE doubles, correctly rounded (strtod); too large ones
 *     become +/-infinity (written back as null);
 *   - \uXXXX escapes of unpaired surrogates are kept, as 3-byte WTF-8
 *     sequences, and written back as \uXXXX escapes.
 *
 * Serialising (json_write) produces the bytes JSON.stringify produces for the
 * same value: no whitespace; members in insertion order; in strings '"' and
 * '\' are escaped as \" and \\, the control characters 0x08 0x09 0x0A 0x0C
 * 0x0D as \b \t \n \f \r, the other bytes below 0x20 as \u00xx (lower-case
 * hex), unpaired surrogates as \udxxx; every other byte (including '/', DEL
 * and all non-ASCII UTF-8) is copied as is. Numbers: integral values below
 * 2^53 in magnitude as decimal integers (-0 as 0); non-finite values as null;
 * others as ECMAScript's Number::toString does: the fewest significant
 * digits that read back as the same double (of two such, the nearer), laid
 * out as 1.5, 0.001, 1e+21, 1.5e-7. The digits come from the exact decimal
 * expansion of the double (a small bignum), checked with strtod.
 *
 * Memory. A parse allocates its values from a json_arena: grow-only blocks
 * from malloc, released together (json_arena_free) or kept for the next
 * document (json_arena_reset keeps the largest block). Strings without
 * escapes point into the parsed text, so the text must outlive the document.
 * json_write appends to a json_buf (malloc/realloc; json_buf_free).
 */
#ifndef PLUGBENCH_JSON_H
#define PLUGBENCH_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifndef JSON_MAX_DEPTH
#define JSON_MAX_DEPTH 256
#endif

/* ------------------------------------------------------------------------ */
/* Types.                                                                     */

typedef enum json_type { JSON_NULL, JSON_FALSE, JSON_TRUE, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT } json_type;

/** A string view: UTF-8 bytes, not NUL-terminated. */
typedef struct json_str {
  const char *ptr;
  size_t len;
} json_str;

typedef struct json_value json_value;
typedef struct json_member json_member;

/** One JSON value. Arrays and objects hold their elements in place, in order. */
struct json_value {
  json_type type;
  uint32_t len; /* string: bytes; array: items; object: members */
  uint32_t cap; /* array / object: allocated slots */
  union {
    double number;
    const char *string;
    json_value *items;
    json_member *members;
  } u;
};

/** One object member: key and value. */
struct json_member {
  json_str key;
  json_value value;
};

/** Where and why a parse failed. */
typedef struct json_error {
  size_t offset; /* byte offset in the text */
  const char *message;
} json_error;

/** A string literal as a json_str: JSON_STR("items"). */
#define JSON_STR(lit) ((json_str){"" lit, sizeof(lit) - 1})

/* ------------------------------------------------------------------------ */
/* The arena.                                                                 */

typedef struct json_block {
  struct json_block *next;
  size_t used, cap;
  _Alignas(8) unsigned char data[];
} json_block;

typedef struct json_arena {
  json_block *head; /* newest (and largest) first */
} json_arena;

#define JSON__BLOCK_MIN ((size_t)16384)
#define JSON__BLOCK_MAX ((size_t)1 << 20)

/** `size` bytes, 8-byte aligned, valid until the arena is reset or freed. Traps when memory is exhausted. */
static inline void *json_alloc(json_arena *a, size_t size) {
  size = (size + 7) & ~(size_t)7;
  json_block *b = a->head;
  if (b && b->cap - b->used >= size) {
    void *p = b->data + b->used;
    b->used += size;
    return p;
  }
  size_t cap = b ? b->cap * 2 : JSON__BLOCK_MIN;
  if (cap > JSON__BLOCK_MAX) cap = JSON__BLOCK_MAX;
  if (cap < size) cap = size;
  json_block *nb = (json_block *)malloc(sizeof(json_block) + cap);
  if (!nb) __builtin_trap();
  nb->next = b;
  nb->used = size;
  nb->cap = cap;
  a->head = nb;
  return nb->data;
}

/** Forgets every value; keeps the newest (largest) block for the next document. */
static inline void json_arena_reset(json_arena *a) {
  json_block *keep = a->head;
  if (!keep) return;
  json_block *b = keep->next;
  while (b) {
    json_block *next = b->next;
    free(b);
    b = next;
  }
  keep->next = NULL;
  keep->used = 0;
}

static inline void json_arena_free(json_arena *a) {
  json_arena_reset(a);
  free(a->head);
  a->head = NULL;
}

/* ------------------------------------------------------------------------ */
/* Building and editing values.                                               */

static inline json_value json_null(void) { return (json_value){.type = JSON_NULL}; }
static inline json_value json_bool(bool b) { return (json_value){.type = b ? JSON_TRUE : JSON_FALSE}; }
static inline json_value json_number(double d) { return (json_value){.type = JSON_NUMBER, .u.number = d}; }
/** A string value viewing `s` (not copied). */
static inline json_value json_string(json_str s) {
  return (json_value){.type = JSON_STRING, .len = (uint32_t)s.len, .u.string = s.ptr};
}
static inline json_str json_string_of(const json_value *v) { return (json_str){v->u.string, v->len}; }

/** An empty array with room for `cap` items. */
static inline json_value json_array(json_arena *a, uint32_t cap) {
  json_value v = {.type = JSON_ARRAY, .cap = cap};
  v.u.items = cap ? (json_value *)json_alloc(a, sizeof(json_value) * cap) : NULL;
  return v;
}

/** An empty object with room for `cap` members. */
static inline json_value json_object(json_arena *a, uint32_t cap) {
  json_value v = {.type = JSON_OBJECT, .cap = cap};
  v.u.members = cap ? (json_member *)json_alloc(a, sizeof(json_member) * cap) : NULL;
  return v;
}

static inline bool json_str_eq(json_str a, json_str b) {
  return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

static inline void json__grow(json_arena *a, json_value *v, size_t elem) {
  uint32_t cap = v->cap ? v->cap * 2 : 4;
  void *p = json_alloc(a, elem * cap);
  if (v->len) memcpy(p, (void *)v->u.items, elem * v->len);
  v->u.items = (json_value *)p;
  v->cap = cap;
}

/** Appends `item` to an array. */
static inline void json_array_push(json_arena *a, json_value *arr, json_value item) {
  if (arr->len == arr->cap) json__grow(a, arr, sizeof(json_value));
  arr->u.items[arr->len++] = item;
}

/** The value of member `key`, or NULL. */
static inline json_value *json_object_get(const json_value *obj, json_str key) {
  if (obj->type != JSON_OBJECT) return NULL;
  for (uint32_t i = 0; i < obj->len; i++) {
    if (json_str_eq(obj->u.members[i].key, key)) return &obj->u.members[i].value;
  }
  return NULL;
}

/** Sets member `key` (not copied): replaces the value in place when present, else appends. */
static inline void json_object_set(json_arena *a, json_value *obj, json_str key, json_value value) {
  json_value *old = json_object_get(obj, key);
  if (old) {
    *old = value;
    return;
  }
  if (obj->len == obj->cap) json__grow(a, obj, sizeof(json_member));
  obj->u.members[obj->len].key = key;
  obj->u.members[obj->len].value = value;
  obj->len++;
}

/** Removes member `key`, keeping the others in order. True when it was there. */
static inline bool json_object_remove(json_value *obj, json_str key) {
  if (obj->type != JSON_OBJECT) return false;
  for (uint32_t i = 0; i < obj->len; i++) {
    if (json_str_eq(obj->u.members[i].key, key)) {
      memmove(&obj->u.members[i], &obj->u.members[i + 1], sizeof(json_member) * (obj->len - i - 1));
      obj->len--;
      return true;
    }
  }
  return false;
}

/* ------------------------------------------------------------------------ */
/* Parsing.                                                                   */

typedef struct json__parser {
  const unsigned char *start, *p, *end;
  json_arena *arena;
  /* Children of the arrays and objects being parsed, innermost last. */
  json_value *values;
  size_t nvalues, capvalues;
  json_member *members;
  size_t nmembers, capmembers;
  json_error error;
} json__parser;

static inline bool json__fail(json__parser *P, const unsigned char *at, const char *message) {
  if (!P->error.message) {
    P->error.offset = (size_t)(at - P->start);
    P->error.message = message;
  }
  return false;
}

static inline void json__skip_ws(json__parser *P) {
  const unsigned char *p = P->p, *end = P->end;
  while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) p++;
  P->p = p;
}

static inline int json__hex(unsigned c) {
  if (c >= '0' && c <= '9') return (int)(c - '0');
  c |= 0x20;
  if (c >= 'a' && c <= 'f') return (int)(c - 'a' + 10);
  return -1;
}

/* Four hex digits at p (p + 4 <= end checked by the caller), or -1. */
static inline int32_t json__hex4(const unsigned char *p) {
  int a = json__hex(p[0]), b = json__hex(p[1]), c = json__hex(p[2]), d = json__hex(p[3]);
  if ((a | b | c | d) < 0) return -1;
  return (a << 12) | (b << 8) | (c << 4) | d;
}

static inline char *json__put_utf8(char *o, uint32_t cp) {
  if (cp < 0x80) *o++ = (char)cp;
  else if (cp < 0x800) {
    *o++ = (char)(0xC0 | (cp >> 6));
    *o++ = (char)(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *o++ = (char)(0xE0 | (cp >> 12));
    *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
    *o++ = (char)(0x80 | (cp & 0x3F));
  } else {
    *o++ = (char)(0xF0 | (cp >> 18));
    *o++ = (char)(0x80 | ((cp >> 12) & 0x3F));
    *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
    *o++ = (char)(0x80 | (cp & 0x3F));
  }
  return o;
}

/* What the string scanner stops at: 1 '"', 2 '\\', 3 a control character,
 * 4 a byte of a multi-byte UTF-8 sequence (checked as it is met, so the text
 * is validated without a separate pass: outside strings only ASCII is valid). */
#define JSON__R(x) x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x
static const unsigned char json__scan[256] = {
    JSON__R(3), JSON__R(3),                                       /* 0x00-0x1F */
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,               /* 0x20: '"' */
    JSON__R(0), JSON__R(0),                                       /* 0x30-0x4F */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0,               /* 0x50: '\\' */
    JSON__R(0), JSON__R(0),                                       /* 0x60-0x7F */
    JSON__R(4), JSON__R(4), JSON__R(4), JSON__R(4),               /* 0x80-0xBF */
    JSON__R(4), JSON__R(4), JSON__R(4), JSON__R(4),               /* 0xC0-0xFF */
};
#undef JSON__R

/* Length (2-4) of the valid UTF-8 sequence at p, or 0 (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF, not truncated). */
static inline size_t json__utf8_seq(const unsigned char *p, const unsigned char *end) {
  unsigned c = p[0], lo = 0x80, hi = 0xBF;
  size_t n;
  if (c >= 0xC2 && c <= 0xDF) n = 2;
  else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else return 0;
  if ((size_t)(end - p) < n || p[1] < lo || p[1] > hi) return 0;
  for (size_t k = 2; k < n; k++) {
    if ((p[k] & 0xC0) != 0x80) return 0;
  }
  return n;
}

/* A string; P->p is at the opening quote. */
static inline bool json__string(json__parser *P, json_str *out) {
  const unsigned char *begin = P->p + 1, *p = begin, *end = P->end;
  unsigned k;
  for (;;) {
    while (p < end && !json__scan[*p]) p++;
    if (p == end) return json__fail(P, p, "unterminated string");
    k = json__scan[*p];
    if (k != 4) break;
    size_t n = json__utf8_seq(p, end);
    if (!n) return json__fail(P, p, "invalid UTF-8");
    p += n;
  }
  if (k == 1) { /* no escapes: a view into the text */
    out->ptr = (const char *)begin;
    out->len = (size_t)(p - begin);
    P->p = p + 1;
    return true;
  }
  if (k == 3) return json__fail(P, p, "control character in string");
  /* Escapes: the decoded string is never longer than the raw text up to the
   * closing quote, so find that first (no byte of a multi-byte sequence is a
   * quote or a backslash). */
  const unsigned char *q = p;
  while (q < end && *q != '"') q += (*q == '\\') ? 2 : 1;
  if (q >= end) return json__fail(P, end, "unterminated string");
  char *buf = (char *)json_alloc(P->arena, (size_t)(q - begin));
  size_t head = (size_t)(p - begin);
  memcpy(buf, begin, head);
  char *o = buf + head;
  while (1) {
    unsigned c = *p;
    if (c == '"') break;
    if (c < 0x20) return json__fail(P, p, "control character in string");
    if (c >= 0x80) {
      size_t n = json__utf8_seq(p, end);
      if (!n) return json__fail(P, p, "invalid UTF-8");
      memcpy(o, p, n);
      o += n;
      p += n;
      continue;
    }
    if (c != '\\') {
      *o++ = (char)c;
      p++;
      continue;
    }
    unsigned e = p[1]; /* p + 1 < q: the quote at q is not escaped */
    switch (e) {
      case '"': *o++ = '"'; break;
      case '\\': *o++ = '\\'; break;
      case '/': *o++ = '/'; break;
      case 'b': *o++ = '\b'; break;
      case 'f': *o++ = '\f'; break;
      case 'n': *o++ = '\n'; break;
      case 'r': *o++ = '\r'; break;
      case 't': *o++ = '\t'; break;
      case 'u': {
        if (end - p < 6) return json__fail(P, p, "incomplete \\u escape");
        int32_t cp = json__hex4(p + 2);
        if (cp < 0) return json__fail(P, p, "invalid \\u escape");
        p += 6;
        if (cp >= 0xD800 && cp <= 0xDBFF && end - p >= 6 && p[0] == '\\' && p[1] == 'u') {
          int32_t lo = json__hex4(p + 2);
          if (lo >= 0xDC00 && lo <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            p += 6;
          }
        }
        /* Hex digits are never quotes, so an escape that read back never runs past q. */
        o = json__put_utf8(o, (uint32_t)cp);
        continue;
      }
      default:
        return json__fail(P, p, "invalid escape");
    }
    p += 2;
  }
  out->ptr = buf;
  out->len = (size_t)(o - buf);
  P->p = p + 1;
  return true;
}

static inline bool json__number(json__parser *P, double *out) {
  const unsigned char *s = P->p, *p = s, *end = P->end;
  bool integer = true;
  if (p < end && *p == '-') p++;
  const unsigned char *digits = p;
  if (p == end || *p < '0' || *p > '9') return json__fail(P, p, "invalid number");
  if (*p == '0') p++;
  else
    while (p < end && *p >= '0' && *p <= '9') p++;
  size_t ndigits = (size_t)(p - digits);
  if (p < end && *p == '.') {
    integer = false;
    p++;
    if (p == end || *p < '0' || *p > '9') return json__fail(P, p, "invalid number");
    while (p < end && *p >= '0' && *p <= '9') p++;
  }
  if (p < end && (*p == 'e' || *p == 'E')) {
    integer = false;
    p++;
    if (p < end && (*p == '+' || *p == '-')) p++;
    if (p == end || *p < '0' || *p > '9') return json__fail(P, p, "invalid number");
    while (p < end && *p >= '0' && *p <= '9') p++;
  }
  P->p = p;
  if (integer && ndigits <= 15) { /* exact in a double */
    int64_t v = 0;
    for (const unsigned char *d = digits; d < p; d++) v = v * 10 + (*d - '0');
    *out = (*s == '-') ? -(double)v : (double)v;
    return true;
  }
  size_t n = (size_t)(p - s);
  char small[64];
  char *tmp = n < sizeof small ? small : (char *)json_alloc(P->arena, n + 1);
  memcpy(tmp, s, n);
  tmp[n] = '\0';
  *out = strtod(tmp, NULL);
  return true;
}

static inline bool json__literal(json__parser *P, const char *word, size_t n) {
  if ((size_t)(P->end - P->p) < n || memcmp(P->p, word, n) != 0) return json__fail(P, P->p, "invalid literal");
  P->p += n;
  return true;
}

static inline void json__push_value(json__parser *P, json_value v) {
  if (P->nvalues == P->capvalues) {
    size_t cap = P->capvalues ? P->capvalues * 2 : 64;
    json_value *nv = (json_value *)realloc(P->values, cap * sizeof(json_value));
    if (!nv) __builtin_trap();
    P->values = nv;
    P->capvalues = cap;
  }
  P->values[P->nvalues++] = v;
}

static inline void json__push_member(json__parser *P, size_t base, json_str key, json_value v) {
  /* A repeated key keeps its first position and takes the last value (JSON.parse). */
  for (size_t i = base; i < P->nmembers; i++) {
    if (json_str_eq(P->members[i].key, key)) {
      P->members[i].value = v;
      return;
    }
  }
  if (P->nmembers == P->capmembers) {
    size_t cap = P->capmembers ? P->capmembers * 2 : 64;
    json_member *nm = (json_member *)realloc(P->members, cap * sizeof(json_member));
    if (!nm) __builtin_trap();
    P->members = nm;
    P->capmembers = cap;
  }
  P->members[P->nmembers].key = key;
  P->members[P->nmembers].value = v;
  P->nmembers++;
}

static inline bool json__value(json__parser *P, json_value *out, int depth);

static inline bool json__array(json__parser *P, json_value *out, int depth) {
  size_t base = P->nvalues;
  P->p++; /* [ */
  json__skip_ws(P);
  if (P->p < P->end && *P->p == ']') {
    P->p++;
  } else {
    while (1) {
      json_value v;
      if (!json__value(P, &v, depth + 1)) return false;
      json__push_value(P, v);
      json__skip_ws(P);
      if (P->p == P->end) return json__fail(P, P->p, "unterminated array");
      if (*P->p == ',') {
        P->p++;
        json__skip_ws(P);
        continue;
      }
      if (*P->p == ']') {
        P->p++;
        break;
      }
      return json__fail(P, P->p, "expected ',' or ']'");
    }
  }
  size_t n = P->nvalues - base;
  *out = (json_value){.type = JSON_ARRAY, .len = (uint32_t)n, .cap = (uint32_t)n};
  if (n) {
    out->u.items = (json_value *)json_alloc(P->arena, n * sizeof(json_value));
    memcpy(out->u.items, P->values + base, n * sizeof(json_value));
  }
  P->nvalues = base;
  return true;
}

static inline bool json__object(json__parser *P, json_value *out, int depth) {
  size_t base = P->nmembers;
  P->p++; /* { */
  json__skip_ws(P);
  if (P->p < P->end && *P->p == '}') {
    P->p++;
  } else {
    while (1) {
      if (P->p == P->end || *P->p != '"') return json__fail(P, P->p, "expected a string key");
      json_str key;
      if (!json__string(P, &key)) return false;
      json__skip_ws(P);
      if (P->p == P->end || *P->p != ':') return json__fail(P, P->p, "expected ':'");
      P->p++;
      json__skip_ws(P);
      json_value v;
      if (!json__value(P, &v, depth + 1)) return false;
      json__push_member(P, base, key, v);
      json__skip_ws(P);
      if (P->p == P->end) return json__fail(P, P->p, "unterminated object");
      if (*P->p == ',') {
        P->p++;
        json__skip_ws(P);
        continue;
      }
      if (*P->p == '}') {
        P->p++;
        break;
      }
      return json__fail(P, P->p, "expected ',' or '}'");
    }
  }
  size_t n = P->nmembers - base;
  *out = (json_value){.type = JSON_OBJECT, .len = (uint32_t)n, .cap = (uint32_t)n};
  if (n) {
    out->u.members = (json_member *)json_alloc(P->arena, n * sizeof(json_member));
    memcpy(out->u.members, P->members + base, n * sizeof(json_member));
  }
  P->nmembers = base;
  return true;
}

/* One value; P->p is at its first byte (whitespace skipped). */
static inline bool json__value(json__parser *P, json_value *out, int depth) {
  if (P->p == P->end) return json__fail(P, P->p, "expected a value");
  switch (*P->p) {
    case '{':
      if (depth >= JSON_MAX_DEPTH) return json__fail(P, P->p, "nested too deeply");
      return json__object(P, out, depth);
    case '[':
      if (depth >= JSON_MAX_DEPTH) return json__fail(P, P->p, "nested too deeply");
      return json__array(P, out, depth);
    case '"': {
      json_str s;
      if (!json__string(P, &s)) return false;
      *out = json_string(s);
      return true;
    }
    case 't':
      *out = json_bool(true);
      return json__literal(P, "true", 4);
    case 'f':
      *out = json_bool(false);
      return json__literal(P, "false", 5);
    case 'n':
      *out = json_null();
      return json__literal(P, "null", 4);
    default: {
      double d;
      if (!json__number(P, &d)) return false;
      *out = json_number(d);
      return true;
    }
  }
}

/**
 * Parses `text` (len bytes) into a document in `arena`. Returns the root
 * value, or NULL with *error set (error may be NULL). Strings without escapes
 * point into `text`, so it must outlive the document.
 */
static inline json_value *json_parse(json_arena *arena, const char *text, size_t len, json_error *error) {
  json__parser P = {0};
  P.start = P.p = (const unsigned char *)text;
  P.end = P.start + len;
  P.arena = arena;
  json_value *root = NULL;
  json_value v;
  json__skip_ws(&P);
  if (json__value(&P, &v, 0)) {
    json__skip_ws(&P);
    if (P.p != P.end) json__fail(&P, P.p, "unexpected data after the value");
    else {
      root = (json_value *)json_alloc(arena, sizeof(json_value));
      *root = v;
    }
  }
  free(P.values);
  free(P.members);
  if (error) *error = P.error;
  return root;
}

/* ------------------------------------------------------------------------ */
/* Serialising.                                                               */

/** A growable byte buffer (malloc/realloc). Reuse it: set len = 0. */
typedef struct json_buf {
  char *ptr;
  size_t len, cap;
} json_buf;

static inline void json_buf_reserve(json_buf *b, size_t extra) {
  if (b->cap - b->len >= extra) return;
  size_t cap = b->cap ? b->cap : 256;
  while (cap - b->len < extra) cap *= 2;
  char *p = (char *)realloc(b->ptr, cap);
  if (!p) __builtin_trap();
  b->ptr = p;
  b->cap = cap;
}

static inline void json_buf_put(json_buf *b, const void *data, size_t n) {
  json_buf_reserve(b, n);
  if (n) memcpy(b->ptr + b->len, data, n);
  b->len += n;
}

static inline void json_buf_putc(json_buf *b, char c) {
  if (b->cap == b->len) json_buf_reserve(b, 1);
  b->ptr[b->len++] = c;
}

static inline void json_buf_free(json_buf *b) {
  free(b->ptr);
  b->ptr = NULL;
  b->len = b->cap = 0;
}

/* Which bytes need escaping: 0 none, 1 "\u00xx", else the letter after '\'. */
static const unsigned char json__escape[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 'b', 't', 'n', 1, 'f', 'r', 1, 1,  /* 0x00 */
    1, 1, 1, 1, 1, 1, 1, 1, 1,   1,   1,   1, 1,   1,   1, 1,  /* 0x10 */
    0, 0, '"', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,        /* 0x20 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,          /* 0x30 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,          /* 0x40 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '\\', 0, 0, 0,       /* 0x50 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,          /* 0x60 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,          /* 0x70 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,          /* 0x80 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,          /* 0x90 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,          /* 0xA0 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,          /* 0xB0 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,          /* 0xC0 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,          /* 0xD0 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0,          /* 0xE0: 0xED may start a surrogate */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,          /* 0xF0 */
};

static const char json__hexdigits[] = "0123456789abcdef";

/** Writes `s` as a JSON string (quotes included). */
static inline void json_write_string(json_buf *b, json_str s) {
  const unsigned char *p = (const unsigned char *)s.ptr, *end = p + s.len, *run = p;
  json_buf_reserve(b, s.len + 2);
  b->ptr[b->len++] = '"';
  while (p < end) {
    unsigned char e = json__escape[*p];
    if (!e) {
      p++;
      continue;
    }
    if (e == 2) { /* 0xED: a WTF-8 surrogate when followed by A0-BF */
      if (end - p >= 3 && p[1] >= 0xA0 && p[1] <= 0xBF) {
        json_buf_put(b, run, (size_t)(p - run));
        uint32_t cp = ((uint32_t)(p[0] & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
        char u[6] = {'\\', 'u', json__hexdigits[cp >> 12], json__hexdigits[(cp >> 8) & 15], json__hexdigits[(cp >> 4) & 15],
                     json__hexdigits[cp & 15]};
        json_buf_put(b, u, 6);
        p += 3;
        run = p;
      } else {
        p++;
      }
      continue;
    }
    json_buf_put(b, run, (size_t)(p - run));
    if (e == 1) {
      char u[6] = {'\\', 'u', '0', '0', json__hexdigits[*p >> 4], json__hexdigits[*p & 15]};
      json_buf_put(b, u, 6);
    } else {
      char u[2] = {'\\', (char)e};
      json_buf_put(b, u, 2);
    }
    p++;
    run = p;
  }
  json_buf_put(b, run, (size_t)(p - run));
  json_buf_putc(b, '"');
}

static inline void json__put_uint(json_buf *b, uint64_t u) {
  char tmp[20];
  size_t n = 0;
  do {
    tmp[n++] = (char)('0' + u % 10);
    u /= 10;
  } while (u);
  json_buf_reserve(b, n);
  while (n) b->ptr[b->len++] = tmp[--n];
}

/* Exact decimal digits of a positive finite double, as a bignum in base 1e9.
 * d = m * 2^e: for e >= 0 the digits are those of m * 2^e (point after the
 * last digit); for e < 0 those of m * 5^-e (point -e digits from the end). */
typedef struct json__big {
  uint32_t limb[90]; /* little-endian, base 1e9: 2^53 * 5^1074 has 768 digits */
  int n;
} json__big;

static inline void json__big_mul(json__big *x, uint32_t f) {
  uint64_t carry = 0;
  for (int i = 0; i < x->n; i++) {
    uint64_t t = (uint64_t)x->limb[i] * f + carry;
    x->limb[i] = (uint32_t)(t % 1000000000u);
    carry = t / 1000000000u;
  }
  while (carry) {
    x->limb[x->n++] = (uint32_t)(carry % 1000000000u);
    carry /= 1000000000u;
  }
}

/* The digits of d > 0 into buf (no leading zeros); *point = position of the
 * decimal point relative to the first digit (d = 0.DIGITS * 10^point). */
static inline size_t json__exact_digits(double d, char *buf, int *point) {
  uint64_t bits;
  memcpy(&bits, &d, 8);
  int be = (int)((bits >> 52) & 0x7FF);
  uint64_t m = bits & ((1ull << 52) - 1);
  int e;
  if (be == 0) e = -1074;
  else {
    m |= 1ull << 52;
    e = be - 1075;
  }
  json__big x = {{0}, 0};
  x.limb[x.n++] = (uint32_t)(m % 1000000000u);
  if (m >= 1000000000u) x.limb[x.n++] = (uint32_t)((m / 1000000000u) % 1000000000u);
  if (m >= 1000000000000000000ull) x.limb[x.n++] = (uint32_t)(m / 1000000000000000000ull);
  int shift = 0; /* digits after the point */
  if (e >= 0) {
    for (int k = e; k > 0; k -= 29) json__big_mul(&x, 1u << (k < 29 ? k : 29));
  } else {
    for (int k = -e; k > 0; k -= 12) {
      uint32_t f = 1;
      for (int j = 0; j < (k < 12 ? k : 12); j++) f *= 5;
      json__big_mul(&x, f);
    }
    shift = -e;
  }
  /* Bignum to text. */
  size_t len = 0;
  uint32_t top = x.limb[x.n - 1];
  char tmp[10];
  int t = 0;
  do {
    tmp[t++] = (char)('0' + top % 10);
    top /= 10;
  } while (top);
  while (t) buf[len++] = tmp[--t];
  for (int i = x.n - 2; i >= 0; i--) {
    uint32_t v = x.limb[i];
    for (int k = 8; k >= 0; k--) {
      buf[len + (size_t)k] = (char)('0' + v % 10);
      v /= 10;
    }
    len += 9;
  }
  *point = (int)len - shift;
  /* Leading zeros (only possible when shifting past them does not happen: the
   * top limb has none) and trailing zeros carry no information. */
  while (len > 1 && buf[len - 1] == '0') len--;
  return len;
}

/* ES Number::toString layout of 0.DIGITS * 10^point (k digits, no trailing zeros). */
static inline void json__layout(json_buf *b, const char *digits, int k, int point) {
  int n = point;
  json_buf_reserve(b, (size_t)k + 32);
  if (k <= n && n <= 21) {
    json_buf_put(b, digits, (size_t)k);
    for (int i = k; i < n; i++) json_buf_putc(b, '0');
  } else if (0 < n && n <= 21) {
    json_buf_put(b, digits, (size_t)n);
    json_buf_putc(b, '.');
    json_buf_put(b, digits + n, (size_t)(k - n));
  } else if (-6 < n && n <= 0) {
    json_buf_put(b, "0.", 2);
    for (int i = 0; i < -n; i++) json_buf_putc(b, '0');
    json_buf_put(b, digits, (size_t)k);
  } else {
    int x = n - 1;
    json_buf_putc(b, digits[0]);
    if (k > 1) {
      json_buf_putc(b, '.');
      json_buf_put(b, digits + 1, (size_t)(k - 1));
    }
    json_buf_putc(b, 'e');
    json_buf_putc(b, x < 0 ? '-' : '+');
    json__put_uint(b, (uint64_t)(x < 0 ? -x : x));
  }
}

/* The p-digit neighbours of the exact digits: truncated (down) and one unit
 * in the last place more (up, whose point moves right on a carry out: 9.99 -> 10.0).
 * Trailing zeros are dropped from both. */
static inline void json__round(const char *exact, int p, char *down, int *kdown, char *up, int *kup, int point, int *ptup) {
  memcpy(down, exact, (size_t)p);
  memcpy(up, exact, (size_t)p);
  int k = p;
  while (k > 1 && down[k - 1] == '0') k--;
  *kdown = k;
  *ptup = point;
  int i = p - 1;
  while (i >= 0 && up[i] == '9') up[i--] = '0';
  if (i < 0) {
    up[0] = '1';
    *kup = 1;
    *ptup = point + 1;
    return;
  }
  up[i]++;
  *kup = i + 1;
}

/* The double nearest to 0.DIGITS * 10^point (strtod of "D.DDDe(point-1)"). */
static inline double json__readback(const char *digits, int k, int point) {
  char text[40];
  size_t t = 0;
  text[t++] = digits[0];
  text[t++] = '.';
  for (int i = 1; i < k; i++) text[t++] = digits[i];
  if (k == 1) text[t++] = '0';
  text[t++] = 'e';
  int x = point - 1;
  if (x < 0) {
    text[t++] = '-';
    x = -x;
  }
  char xd[6];
  int nx = 0;
  do {
    xd[nx++] = (char)('0' + x % 10);
    x /= 10;
  } while (x);
  while (nx) text[t++] = xd[--nx];
  text[t] = '\0';
  return strtod(text, NULL);
}

/** Writes a number as JSON.stringify does. */
static inline void json_write_number(json_buf *b, double d) {
  if (d != d || d - d != 0) { /* NaN or infinite */
    json_buf_put(b, "null", 4);
    return;
  }
  if (d > -9007199254740992.0 && d < 9007199254740992.0 && d == (double)(int64_t)d) {
    int64_t i = (int64_t)d;
    if (i < 0) {
      json_buf_putc(b, '-');
      json__put_uint(b, (uint64_t)(-i));
    } else json__put_uint(b, (uint64_t)i);
    return;
  }
  if (d < 0) {
    json_buf_putc(b, '-');
    d = -d;
  }
  char exact[800];
  int point;
  size_t len = json__exact_digits(d, exact, &point);
  /* ECMAScript's rule: the fewest digits p that read back as d; of the two
   * p-digit neighbours of d (truncated, and one unit up), the correctly
   * rounded one (half to even) when both read back. */
  for (int p = 1; p <= 17; p++) {
    if ((size_t)p >= len) { /* exact */
      json__layout(b, exact, (int)len, point);
      return;
    }
    char down[17], up[17];
    int kdown, kup, ptup;
    json__round(exact, p, down, &kdown, up, &kup, point, &ptup);
    bool round_up;
    char next = exact[p];
    if (next != '5') round_up = next > '5';
    else {
      bool more = false;
      for (size_t i = (size_t)p + 1; i < len; i++) {
        if (exact[i] != '0') {
          more = true;
          break;
        }
      }
      round_up = more || ((exact[p - 1] - '0') & 1);
    }
    bool down_ok = json__readback(down, kdown, point) == d;
    bool up_ok = json__readback(up, kup, ptup) == d;
    if (down_ok && (!up_ok || !round_up)) {
      json__layout(b, down, kdown, point);
      return;
    }
    if (up_ok) {
      json__layout(b, up, kup, ptup);
      return;
    }
  }
}

/** Writes `v` compactly (see the top of this file). */
static inline void json_write(json_buf *b, const json_value *v) {
  switch (v->type) {
    case JSON_NULL: json_buf_put(b, "null", 4); return;
    case JSON_FALSE: json_buf_put(b, "false", 5); return;
    case JSON_TRUE: json_buf_put(b, "true", 4); return;
    case JSON_NUMBER: json_write_number(b, v->u.number); return;
    case JSON_STRING: json_write_string(b, json_string_of(v)); return;
    case JSON_ARRAY:
      json_buf_putc(b, '[');
      for (uint32_t i = 0; i < v->len; i++) {
        if (i) json_buf_putc(b, ',');
        json_write(b, &v->u.items[i]);
      }
      json_buf_putc(b, ']');
      return;
    case JSON_OBJECT:
      json_buf_putc(b, '{');
      for (uint32_t i = 0; i < v->len; i++) {
        if (i) json_buf_putc(b, ',');
        json_write_string(b, v->u.members[i].key);
        json_buf_putc(b, ':');
        json_write(b, &v->u.members[i].value);
      }
      json_buf_putc(b, '}');
      return;
  }
}

#endif /* PLUGBENCH_JSON_H */
