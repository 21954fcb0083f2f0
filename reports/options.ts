// Command-line options of `npm run report`.

import { parseArgs } from 'node:util';

export const REPORT_USAGE = `usage:
  npm run report -- FILE... [-o report.html] [--markdown FILE] [--tracker-json FILE] [--title TEXT]
      one self-contained HTML report from one or more results files (several machines or
      Node versions are merged, each labelled by its environment; a bench file and a
      conformance file of the same environment are combined); a Markdown summary beside it
  npm run report -- --compare BASE.json HEAD.json [-o cmp.html] [--markdown FILE] [--fail-on-regression PCT]
      per figure: faster / slower / no significant change, with the ratio head/base and its
      confidence interval; exit 1 when a figure is significantly worse by more than PCT %

options:
  -o, --out FILE            the HTML file (default: beside the first input, .html)
  --markdown FILE           the Markdown summary (default: the HTML path with .md)
  --tracker-json FILE       github-action-benchmark "customSmallerIsBetter" entries
  --title TEXT              the page title
  --compare                 compare exactly two files: BASE then HEAD
  --fail-on-regression PCT  with --compare: exit 1 on a significant regression beyond PCT %
  -h, --help                this text
`;

export interface ReportOptions {
  files: string[];
  out?: string;
  markdown?: string;
  trackerJson?: string;
  title?: string;
  compare: boolean;
  failOnRegressionPct?: number;
  help: boolean;
}

export function parseReportOptions(argv: string[]): ReportOptions {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      out: { type: 'string', short: 'o' },
      markdown: { type: 'string' },
      'tracker-json': { type: 'string' },
      title: { type: 'string' },
      compare: { type: 'boolean', default: false },
      'fail-on-regression': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const options: ReportOptions = {
    files: positionals,
    out: values.out,
    markdown: values.markdown,
    trackerJson: values['tracker-json'],
    title: values.title,
    compare: values.compare ?? false,
    help: values.help ?? false,
  };
  if (options.help) return options;
  if (values['fail-on-regression'] !== undefined) {
    const pct = Number(values['fail-on-regression']);
    if (!Number.isFinite(pct) || pct < 0) throw new Error(`--fail-on-regression takes a percentage ≥ 0, got "${values['fail-on-regression']}"`);
    if (!options.compare) throw new Error('--fail-on-regression needs --compare BASE.json HEAD.json');
    options.failOnRegressionPct = pct;
  }
  if (options.files.length === 0) throw new Error('no results file given');
  if (options.compare && options.files.length !== 2) throw new Error(`--compare takes exactly two files (BASE HEAD), got ${options.files.length}`);
  if (options.compare && options.trackerJson) throw new Error('--tracker-json describes one run; use it without --compare');
  return options;
}
