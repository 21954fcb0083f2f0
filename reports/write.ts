// Writing a report's files: the HTML page, the Markdown summary and, on request,
// the CI-tracker JSON. Used by `npm run report` and at the end of `npm run bench`.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { renderReport } from './html/report.ts';
import { summaryMarkdown } from './markdown.ts';
import type { Source } from './model.ts';
import { trackerEntries } from './tracker.ts';

export interface ReportPaths {
  html: string;
  markdown: string;
  trackerJson?: string;
}

/** The HTML path for a results file: "x.json" → "x.html". */
export function htmlPathFor(resultsFile: string): string {
  return resultsFile.replace(/\.json$/i, '') + '.html';
}

export function markdownPathFor(htmlFile: string): string {
  return htmlFile.replace(/\.html?$/i, '') + '.md';
}

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

export function writeReport(sources: Source[], paths: ReportPaths, options: { title?: string } = {}): void {
  write(paths.html, renderReport(sources, options));
  write(paths.markdown, summaryMarkdown(sources, { ...options, htmlPath: paths.html }));
  if (paths.trackerJson) {
    write(paths.trackerJson, JSON.stringify(sources.flatMap((s) => trackerEntries(s, { prefix: sources.length > 1 ? s.label : undefined })), null, 2) + '\n');
  }
}
