// Reference for `redact`, stated differently from the filters: the body is
// read as a latin1 string (one character per byte), runs are found with a
// regular expression, and the replacement is a string operation.

import type { FilterOutcome, HttpRequest } from '../../runtimes/abi/context.ts';
import { lowerFields, setField, type Fields } from '../lib/fields.ts';

/** A digit, then any number of (an optional single space or dash, then a digit): maximal, greedy. */
const RUN = /[0-9](?:[ -]?[0-9])*/g;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** The redacted text and the number of runs redacted. */
export function redact(text: string): { text: string; count: number } {
  let count = 0;
  const out = text.replace(RUN, (run) => {
    const digits = run.replace(/[ -]/g, '');
    if (digits.length < 13 || digits.length > 19 || !luhnValid(digits)) return run;
    count++;
    let keep = 4;
    // Walk from the end: the last four digits stay, every earlier digit becomes X.
    return run
      .split('')
      .reverse()
      .map((c) => (c === ' ' || c === '-' ? c : keep-- > 0 ? c : 'X'))
      .reverse()
      .join('');
  });
  return { text: out, count };
}

export function expect(req: HttpRequest): FilterOutcome {
  const method = req.method.toUpperCase();
  let headers: Fields = lowerFields(req.headers);
  const { text, count } = redact(Buffer.from(req.body).toString('latin1'));
  if (count === 0) return { result: '', method, path: req.path, headers, body: req.body };
  const body = new Uint8Array(Buffer.from(text, 'latin1'));
  // set-body keeps a declared content-length honest (the length is unchanged: one X per digit).
  if (headers.some(([n]) => n === 'content-length')) headers = setField(headers, 'content-length', String(body.length));
  headers = setField(headers, 'x-redactions', String(count));
  return { result: 'redacted', method, path: req.path, headers, body };
}
