/** The report's stylesheet: light, readable, print-friendly; inlined under `style-src 'unsafe-inline'`. */
export const REPORT_CSS = `
:root { color-scheme: light; --fg: #1d2329; --dim: #5b6570; --line: #dde1e6; --bg-soft: #f6f8fa;
  --pass: #1a7f37; --fail: #c0392b; --warn: #9a6700; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--fg); background: #fff; }
main { max-width: 1260px; margin: 0 auto; padding: 24px 28px 48px; }
header h1 { font-size: 24px; margin: 0 0 4px; }
header .subtitle { color: var(--dim); margin: 0 0 12px; }
h2 { font-size: 19px; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 18px 0 8px; }
nav.toc { font-size: 13px; color: var(--dim); margin: 8px 0 0; }
nav.toc a { color: inherit; margin-right: 12px; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
pre { background: var(--bg-soft); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px;
  overflow-x: auto; white-space: pre-wrap; word-break: break-word; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; margin: 6px 0; font-size: 13px; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
thead th { background: var(--bg-soft); font-weight: 600; white-space: nowrap; border-bottom: 2px solid var(--line); }
tbody th { font-weight: 600; white-space: nowrap; }
table.wrap-head thead th { white-space: normal; min-width: 64px; }
td.notes { min-width: 320px; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.best strong { color: var(--pass); }
.star { color: #d4a017; }
tr.missing td, tr.missing th { color: var(--dim); font-style: italic; background: #fafafa; }
.gate { white-space: nowrap; font-weight: 600; }
.pass { color: var(--pass); }
.fail { color: var(--fail); }
.warn { color: var(--warn); }
.dim { color: var(--dim); font-weight: 400; }
.diff { color: var(--fail); font-weight: 600; }
.error-text { color: var(--fail); }
.legend { color: var(--dim); font-size: 12.5px; margin: 4px 0; }
.tally { font-weight: 600; }
ul.notes { margin: 0; padding-left: 18px; }
ul.honesty li { margin: 3px 0; }
.status { border-radius: 6px; padding: 10px 14px; margin: 12px 0 4px; border: 1px solid; }
.status p { margin: 2px 0; }
.status-complete { background: #eef8f0; border-color: #b7e1c1; }
.status-partial { background: #fff8e5; border-color: #f0d48a; }
.status-failed { background: #fdecea; border-color: #f1b0a8; }
.status-error { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
figure.chart { margin: 18px 0 26px; }
.chart-view { min-height: 40px; max-width: 100%; overflow-x: auto; }
.chart-error { color: var(--fail); font-weight: 600; }
figure.chart figcaption { color: var(--dim); font-size: 12.5px; margin-top: 4px; max-width: 900px; }
.columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(380px, 1fr)); gap: 8px 32px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 3px 14px; margin: 0; font-size: 13px; }
dl.facts dt { color: var(--dim); }
dl.facts dd { margin: 0; white-space: pre-wrap; word-break: break-word; }
footer { margin-top: 40px; color: var(--dim); font-size: 12px; }
@media print { .chart-view { overflow: visible; } details { display: block; } }
`;
