import { defineCase } from '../../cases.ts';

/** 90 distinct names (the default limit is 100 fields, and the filter adds 3). */
const many = Array.from({ length: 90 }, (_, i) => [`X-Field-${String(i).padStart(2, '0')}`, String(i)] as [string, string]);
const manyNames = many.map(([n]) => n.toLowerCase());

export default defineCase({
  id: 'header-names',
  level: 'MUST',
  statement: 'header-names lists each name once, lower-case, in order of first arrival, including names the filter added',
  steps: [
    {
      label: 'repeats and mixed case',
      request: {
        headers: [
          ['Host', 'conformance.test'],
          ['X-B', '1'],
          ['X-A', '2'],
          ['x-b', '3'],
          ['Accept', '*/*'],
          ['X-A', '4'],
        ],
      },
      expect: {
        headers: [
          ['host', 'conformance.test'],
          ['x-b', '1'],
          ['x-a', '2'],
          ['x-b', '3'],
          ['accept', '*/*'],
          ['x-a', '4'],
          ['x-new', 'n'],
          ['x-names', 'host,x-b,x-a,accept'],
          ['x-names-after', 'host,x-b,x-a,accept,x-new'],
        ],
      },
    },
    {
      label: 'every token character in names',
      request: {
        headers: [
          ['X_Under', '1'],
          ['x.Dot', '2'],
          ["!#$%&'*+-.^_`|~", '3'],
          ['X-UPPER-9', '4'],
          ['x_under', '5'],
        ],
      },
      expect: {
        headers: [
          ['x_under', '1'],
          ['x.dot', '2'],
          ["!#$%&'*+-.^_`|~", '3'],
          ['x-upper-9', '4'],
          ['x_under', '5'],
          ['x-new', 'n'],
          ['x-names', "x_under,x.dot,!#$%&'*+-.^_`|~,x-upper-9"],
          ['x-names-after', "x_under,x.dot,!#$%&'*+-.^_`|~,x-upper-9,x-new"],
        ],
      },
    },
    {
      label: '90 names',
      request: { headers: many },
      expect: {
        headers: [
          ...many.map(([n, v]) => [n.toLowerCase(), v] as [string, string]),
          ['x-new', 'n'],
          ['x-names', manyNames.join(',')],
          ['x-names-after', [...manyNames, 'x-new'].join(',')],
        ],
      },
    },
    {
      label: 'no headers at all',
      request: { headers: [] },
      expect: {
        headers: [
          ['x-new', 'n'],
          ['x-names', ''],
          ['x-names-after', 'x-new'],
        ],
      },
    },
  ],
});
