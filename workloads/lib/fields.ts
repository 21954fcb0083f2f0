// Header-list helpers for the reference checkers (check.ts): the ABI's
// set-header semantics restated on plain arrays, without the request context,
// so a bug in the context cannot hide on both sides of a comparison.

export type Fields = Array<[string, string]>;

/** set-header: the first occurrence takes the value in place, later ones go; absent → appended. */
export function setField(fields: Fields, name: string, value: string): Fields {
  const first = fields.findIndex(([n]) => n === name);
  if (first < 0) return [...fields, [name, value]];
  return fields.flatMap(([n, v], i): Fields => (i === first ? [[n, value]] : n === name ? [] : [[n, v]]));
}

/** The request's headers as the ABI reports them: lower-case names, order and repeats kept. */
export function lowerFields(headers: ReadonlyArray<readonly [string, string]>): Fields {
  return headers.map(([n, v]) => [n.toLowerCase(), v]);
}
