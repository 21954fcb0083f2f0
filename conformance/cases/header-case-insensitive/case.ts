import { defineCase } from '../../cases.ts';

export default defineCase({
  id: 'header-case-insensitive',
  level: 'MUST',
  statement: 'header, set-header, add-header and remove-header match names case-insensitively, and names are reported lower-case',
  steps: [
    {
      label: 'mixed-case names on both sides',
      request: {
        headers: [
          ['Host', 'conformance.test'],
          ['X-Mixed-Case', 'Value-1'],
          ['Content-Type', 'text/plain'],
          ['X-Remove-Me', 'gone'],
          ['x-keep', 'kept'],
        ],
      },
      expect: {
        headers: [
          ['host', 'conformance.test'],
          ['x-mixed-case', 'Value-1'],
          ['content-type', 'application/json'],
          ['x-keep', 'kept+set'],
          ['x-read', 'Value-1|Value-1|Value-1'],
          ['x-added', 'yes'],
        ],
      },
    },
  ],
});
