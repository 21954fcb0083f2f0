/*
 * jsonscan.h: the members of a JSON object that a filter asks for, from a
 * validating single pass over the whole text (workloads/jwt-auth/README.md,
 * "JSON"). The same algorithm as jsonscan.lua. A C plugin author would reach
 * for a small JSON library: jsmn (a tokenizer: no allocation, the caller walks
 * tokens, much like this) or cJSON (builds a tree of the whole document).
 * This header checks the whole text as strictly as JSON.parse but builds only
 * the members asked for.
 *
 *   json_member m[] = {{.name = PB_STR_INIT("sub")}, {.name = PB_STR_INIT("exp")}};
 *   if (!json_object(text, len, m, PB_COUNT(m))) ... not one JSON object ...
 *   if (m[1].kind == JSON_NUMBER) ... m[1].number ...
 *
 * json_object returns false unless `text` is one JSON object (RFC 8259, as
 * ECMAScript's JSON.parse accepts it, on bytes). Otherwise it fills each
 * wanted top-level member (the last one wins when a name repeats):
 *   JSON_STRING  string: the decoded bytes (escapes resolved, \u as UTF-8)
 *   JSON_NUMBER  number: strtod of its text (the nearest double)
 *   JSON_ARRAY   items/count: its string elements, decoded; all_strings is
 *                false when some element is not a string
 *   JSON_OBJECT, JSON_TRUE, JSON_FALSE, JSON_NULL: the kind only
 *   JSON_ABSENT  the member is not there
 * Decoded strings and lists live in the pb_alloc arena (or point into `text`
 * when nothing needed decoding). Nesting is unbounded: open containers live
 * on an explicit stack, not the C stack. Needs plugbench.h first.
 */
#ifndef PLUGBENCH_JSONSCAN_H
#define PLUGBENCH_JSONSCAN_H

typedef enum json_kind {
  JSON_ABSENT = 0,
  JSON_STRING,
  JSON_NUMBER,
  JSON_ARRAY,
  JSON_OBJECT,
  JSON_TRUE,
  JSON_FALSE,
  JSON_NULL,
} json_kind;

typedef struct json_member {
  pb_str name; /* in: the member wanted */
  json_kind kind;
  pb_str string;
  double number;
  pb_str *items;
  size_t count;
  bool all_strings;
} json_member;

static inline bool json__is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static inline const char *json__ws(const char *p, const char *end) {
  while (p < end && json__is_ws(*p)) p++;
  return p;
}

static inline int json__hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static inline uint32_t json__hex4(const char *p) {
  return (uint32_t)(json__hex(p[0]) << 12 | json__hex(p[1]) << 8 | json__hex(p[2]) << 4 | json__hex(p[3]));
}

/* The string whose opening quote is at p: a pointer past its closing quote
 * (and whether it holds escapes), or NULL when it is not valid JSON. */
static inline const char *json__skip_string(const char *p, const char *end, bool *escaped) {
  *escaped = false;
  for (p++; p < end;) {
    unsigned char c = (unsigned char)*p;
    if (c == '"') return p + 1;
    if (c < 0x20) return NULL; /* a raw control character */
    if (c != '\\') {
      p++;
      continue;
    }
    *escaped = true;
    if (end - p < 2) return NULL;
    switch (p[1]) {
      case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
        p += 2;
        break;
      case 'u':
        if (end - p < 6) return NULL;
        for (int i = 2; i < 6; i++) {
          if (json__hex(p[i]) < 0) return NULL;
        }
        p += 6;
        break;
      default:
        return NULL;
    }
  }
  return NULL;
}

static inline size_t json__utf8(char *out, uint32_t cp) {
  if (cp < 0x80) {
    out[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    out[0] = (char)(0xc0 | cp >> 6);
    out[1] = (char)(0x80 | (cp & 0x3f));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (char)(0xe0 | cp >> 12);
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[2] = (char)(0x80 | (cp & 0x3f));
    return 3;
  }
  out[0] = (char)(0xf0 | cp >> 18);
  out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
  out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
  out[3] = (char)(0x80 | (cp & 0x3f));
  return 4;
}

/* The decoded bytes of the validated string content [p, q). Every escape is
 * at least as long as what it decodes to, so q - p bytes are enough. A
 * surrogate pair becomes one 4-byte sequence; a lone surrogate is encoded on
 * its own (3 bytes), as JSON.parse keeps it. */
static inline pb_str json__decode(const char *p, const char *q, bool escaped) {
  if (!escaped) return pb_str_of(p, (size_t)(q - p));
  char *out = (char *)pb_alloc((size_t)(q - p));
  size_t n = 0;
  while (p < q) {
    if (*p != '\\') {
      out[n++] = *p++;
      continue;
    }
    char e = p[1];
    if (e == 'u') {
      uint32_t cp = json__hex4(p + 2);
      p += 6;
      if (cp >= 0xd800 && cp <= 0xdbff && q - p >= 6 && p[0] == '\\' && p[1] == 'u') {
        uint32_t lo = json__hex4(p + 2);
        if (lo >= 0xdc00 && lo <= 0xdfff) {
          cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
          p += 6;
        }
      }
      n += json__utf8(out + n, cp);
      continue;
    }
    switch (e) {
      case 'b': out[n++] = '\b'; break;
      case 'f': out[n++] = '\f'; break;
      case 'n': out[n++] = '\n'; break;
      case 'r': out[n++] = '\r'; break;
      case 't': out[n++] = '\t'; break;
      default: out[n++] = e; break; /* " \ / */
    }
    p += 2;
  }
  return pb_str_of(out, n);
}

static inline bool json__digit(const char *p, const char *end) { return p < end && *p >= '0' && *p <= '9'; }

/* Past the number starting at p, or NULL when none starts there:
 * -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static inline const char *json__number_end(const char *p, const char *end) {
  if (p < end && *p == '-') p++;
  if (p < end && *p == '0') p++;
  else if (json__digit(p, end)) {
    while (json__digit(p, end)) p++;
  } else return NULL;
  if (p < end && *p == '.') {
    p++;
    if (!json__digit(p, end)) return NULL;
    while (json__digit(p, end)) p++;
  }
  if (p < end && (*p == 'e' || *p == 'E')) {
    p++;
    if (p < end && (*p == '+' || *p == '-')) p++;
    if (!json__digit(p, end)) return NULL;
    while (json__digit(p, end)) p++;
  }
  return p;
}

static inline bool json__literal(const char *p, const char *end, const char *word, size_t len) {
  return (size_t)(end - p) >= len && memcmp(p, word, len) == 0;
}

static inline void json__push_item(json_member *m, pb_str s) {
  if (m->count % 8 == 0) { /* full (or empty): grow by 8 */
    pb_str *items = (pb_str *)pb_alloc((m->count + 8) * sizeof(pb_str));
    if (m->count) memcpy(items, m->items, m->count * sizeof(pb_str));
    m->items = items;
  }
  m->items[m->count++] = s;
}

static inline bool json_object(const char *text, size_t len, json_member *wanted, size_t n_wanted) {
  for (size_t i = 0; i < n_wanted; i++) {
    wanted[i].kind = JSON_ABSENT;
    wanted[i].items = NULL;
    wanted[i].count = 0;
  }
  const char *end = text + len;
  const char *p = json__ws(text, end);
  if (p == end || *p != '{') return false;

  /* Open containers ('{' or '['): a small stack, moved to the arena when deeper. */
  char small[64];
  char *stack = small;
  size_t cap = sizeof small, depth = 1;
  stack[0] = '{';
  json_member *key = NULL;  /* the wanted top-level member whose value comes next (depth 1) */
  json_member *list = NULL; /* that member's array, while its elements (depth 2) are read */
  enum { FIRST_KEY, KEY, FIRST_VALUE, VALUE, AFTER } state = FIRST_KEY;
  p++;
  for (;;) {
    p = json__ws(p, end);
    if (p == end) return false;
    char c = *p;
    if (state == AFTER || (state == FIRST_KEY && c == '}') || (state == FIRST_VALUE && c == ']')) {
      /* After a value: ',' or the container's close. */
      char open = stack[depth - 1];
      if (c == ',' && state == AFTER) {
        p++;
        state = open == '{' ? KEY : VALUE;
      } else if ((c == '}' && open == '{') || (c == ']' && open == '[')) {
        p++;
        if (depth == 2) list = NULL;
        if (--depth == 0) return json__ws(p, end) == end; /* only whitespace may follow the root */
        state = AFTER;
      } else {
        return false;
      }
    } else if (state == KEY || state == FIRST_KEY) {
      if (c != '"') return false;
      bool escaped;
      const char *q = json__skip_string(p, end, &escaped);
      if (!q) return false;
      if (depth == 1) {
        pb_str name = json__decode(p + 1, q - 1, escaped);
        key = NULL;
        for (size_t i = 0; i < n_wanted; i++) {
          if (pb_eq(name, wanted[i].name)) key = &wanted[i];
        }
      }
      p = json__ws(q, end);
      if (p == end || *p != ':') return false;
      p++;
      state = VALUE;
    } else { /* VALUE or FIRST_VALUE: a value starts at p */
      json_member *record = depth == 1 ? key : depth == 2 ? list : NULL;
      if (c == '"') {
        bool escaped;
        const char *q = json__skip_string(p, end, &escaped);
        if (!q) return false;
        if (record) {
          pb_str s = json__decode(p + 1, q - 1, escaped);
          if (depth == 1) {
            record->kind = JSON_STRING;
            record->string = s;
          } else {
            json__push_item(record, s);
          }
        }
        p = q;
        state = AFTER;
      } else if (c == '{' || c == '[') {
        if (record) {
          if (depth == 2) {
            record->all_strings = false;
          } else if (c == '[') {
            record->kind = JSON_ARRAY;
            record->items = NULL;
            record->count = 0;
            record->all_strings = true;
            list = record;
          } else {
            record->kind = JSON_OBJECT;
          }
        }
        if (depth == cap) {
          char *bigger = (char *)pb_alloc(len); /* depth never exceeds the text's length */
          memcpy(bigger, stack, depth);
          stack = bigger;
          cap = len;
        }
        stack[depth++] = c;
        p++;
        state = c == '{' ? FIRST_KEY : FIRST_VALUE;
      } else {
        json_kind kind;
        const char *q = json__number_end(p, end);
        if (q) kind = JSON_NUMBER;
        else if (json__literal(p, end, "true", 4)) kind = JSON_TRUE, q = p + 4;
        else if (json__literal(p, end, "false", 5)) kind = JSON_FALSE, q = p + 5;
        else if (json__literal(p, end, "null", 4)) kind = JSON_NULL, q = p + 4;
        else return false;
        if (record) {
          if (depth == 2) {
            record->all_strings = false;
          } else {
            record->kind = kind;
            if (kind == JSON_NUMBER) {
              /* strtod needs a terminated copy: the text goes on after the number. */
              size_t n = (size_t)(q - p);
              char tmp[64];
              char *buf = n < sizeof tmp ? tmp : (char *)pb_alloc(n + 1);
              memcpy(buf, p, n);
              buf[n] = '\0';
              record->number = strtod(buf, NULL);
            }
          }
        }
        p = q;
        state = AFTER;
      }
    }
  }
}

#endif /* PLUGBENCH_JSONSCAN_H */
