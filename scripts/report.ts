// npm run report: an HTML report (and Markdown summary) from results files, or a
// comparison of two. Paths written go to stdout; errors name the file.

import { relative } from 'node:path';
import { runCompare } from '../reports/compare/command.ts';
import { labelSources, readResultsFile, readSources, ResultsFileError } from '../reports/model.ts';
import { parseReportOptions, REPORT_USAGE, type ReportOptions } from '../reports/options.ts';
import { htmlPathFor, markdownPathFor, writeReport } from '../reports/write.ts';

function fail(message: string, code = 2): never {
  process.stderr.write(`report: ${message}\n`);
  process.exit(code);
}

function main(): void {
  let options: ReportOptions;
  try {
    options = parseReportOptions(process.argv.slice(2));
  } catch (err) {
    fail(`${(err as Error).message}\n\n${REPORT_USAGE}`);
  }
  if (options.help) {
    process.stdout.write(REPORT_USAGE);
    return;
  }
  try {
    const first = options.files[0]!;
    if (options.compare) {
      // Never combined: BASE and HEAD stay two sources even when measured alike.
      const [base, head] = labelSources(options.files.map((file) => ({ file, results: readResultsFile(file) })));
      process.exitCode = runCompare(base!, head!, options);
      return;
    }
    const sources = readSources(options.files);
    const html = options.out ?? htmlPathFor(options.files.length === 1 ? first : first.replace(/\.json$/i, '') + '.merged.json');
    const paths = { html, markdown: options.markdown ?? markdownPathFor(html), trackerJson: options.trackerJson };
    writeReport(sources, paths, { title: options.title });
    for (const p of [paths.html, paths.markdown, paths.trackerJson]) if (p) process.stdout.write(`${relative(process.cwd(), p)}\n`);
  } catch (err) {
    if (err instanceof ResultsFileError) fail(err.message, 2);
    throw err;
  }
}

main();
