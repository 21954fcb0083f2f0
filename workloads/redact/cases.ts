// Inputs and their redacted forms, written out by hand (Luhn validity checked
// separately, in Python): used by check.test.ts for the checker and by
// filter.test.ts for every runtime.

export const CASES: Array<[string, string]> = [
  ['card 4111 1111 1111 1111 ok', 'card XXXX XXXX XXXX 1111 ok'],
  ['4111-1111-1111-1111', 'XXXX-XXXX-XXXX-1111'],
  ['4111111111111111', 'XXXXXXXXXXXX1111'],
  ['amex 3782 822463 10005.', 'amex XXXX XXXXXX X0005.'],
  ['13: 4222222222222;', '13: XXXXXXXXX2222;'],
  ['19: 4000000000000000006', '19: XXXXXXXXXXXXXXX0006'],
  ['mixed 4111-1111 1111-1111', 'mixed XXXX-XXXX XXXX-1111'],
  ['"5555555555554444-x"', '"XXXXXXXXXXXX4444-x"'], // a dash followed by a letter ends the run and stays
  ['abc4111111111111111def', 'abcXXXXXXXXXXXX1111def'], // no word boundaries
  ['1767225600009', 'XXXXXXXXX0009'], // a Luhn-valid epoch timestamp is redacted too
  ['4111111111111111--', 'XXXXXXXXXXXX1111--'],
  ['-4111111111111111 ', '-XXXXXXXXXXXX1111 '],
  ['4111 1111 1111 1111\n4111 1111 1111 1111', 'XXXX XXXX XXXX 1111\nXXXX XXXX XXXX 1111'], // a newline is not a separator
  // Not redacted:
  ['4111-1111-1111-1112', '4111-1111-1111-1112'], // Luhn fails
  ['400000000002', '400000000002'], // 12 digits, valid
  ['40000000000000000002', '40000000000000000002'], // 20 digits, valid
  ['4111111111111111 2026', '4111111111111111 2026'], // one run of 20 digits
  ['4111 1111  1111 1111', '4111 1111  1111 1111'], // a double space splits it into two runs of 8
  ['4111--1111-1111-1111', '4111--1111-1111-1111'], // 4 + 12 digits
  ['4111_1111_1111_1111', '4111_1111_1111_1111'], // underscores are not separators
  ['+1 415-555-0132', '+1 415-555-0132'],
  ['4111.1111.1111.1111', '4111.1111.1111.1111'],
  ['', ''],
  ['4111111111111111-', 'XXXXXXXXXXXX1111-'], // a separator at the very end
  ['x 4111 1111 1111 111', 'x 4111 1111 1111 111'], // 15 digits, Luhn fails
  ['\xe2\x80\x94378282246310005\xe2\x80\x94', '\xe2\x80\x94XXXXXXXXXXX0005\xe2\x80\x94'], // UTF-8 em dashes around
  ['4111111111111111 4111111111111111', '4111111111111111 4111111111111111'], // one run of 32 digits
  ['4111111111111111 x 5555-5555-5555-4444', 'XXXXXXXXXXXX1111 x XXXX-XXXX-XXXX-4444'],
];
