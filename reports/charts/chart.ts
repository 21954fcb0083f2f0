// One chart of the HTML report: a vega-lite spec with inline data, plus the
// words the page puts around it.

import type { TopLevelSpec } from 'vega-lite';

export interface Chart {
  /** Stable kebab-case id; the page uses it as a DOM id. */
  id: string;
  /** Human title, also the spec's own title. */
  title: string;
  /** One or two plain sentences: what is plotted, units, how to read it. */
  caption: string;
  spec: TopLevelSpec;
}
