// The shell of a self-contained HTML file (`check --format html`, `timeline --format html`): inline CSS
// only, light and dark following the system, printable, and a Content-Security-Policy that lets no
// script run and nothing load: the file opens the same offline, attached to a ticket years later.
import type { Evidence } from "../../model/finding.js";
import { Html, html } from "./escape.js";

const CSS = `
:root { color-scheme: light dark; --bg: #fff; --panel: #f6f7f9; --fg: #1b1f24; --muted: #57606a; --border: #d0d7de;
  --crit-bg: #fbe3d6; --crit-fg: #8a2c00; --warn-bg: #fdf0cf; --warn-fg: #6b4a00; --ok-bg: #dbe9f4; --ok-fg: #31546e;
  --pending: #e69f00; --stale: #f0e442; --pfail: #d55e00; --fail: #5c1f4f; --missing: #bfc5cc; --unknown: #8c959f; }
@media (prefers-color-scheme: dark) { :root { --bg: #0f1318; --panel: #171c22; --fg: #e6edf3; --muted: #9aa6b2; --border: #30363d;
  --crit-bg: #4a1f08; --crit-fg: #ffb38a; --warn-bg: #3d2e05; --warn-fg: #f5d37a; --ok-bg: #1d3447; --ok-fg: #9cc3e0; --fail: #cc79a7; --missing: #4a525b; --unknown: #6e7781; } }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1200px; padding: 16px 20px 40px; background: var(--bg); color: var(--fg); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
code, pre, .mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; font-size: 13px; }
pre { background: var(--panel); border: 1px solid var(--border); border-radius: 4px; padding: 6px 8px; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 22px 0 6px; border-bottom: 1px solid var(--border); } h3 { font-size: 14px; margin: 14px 0 4px; }
.muted { color: var(--muted); }
.verdict { border-radius: 6px; padding: 10px 14px; border: 2px solid var(--border); }
.verdict.critical { background: var(--crit-bg); color: var(--crit-fg); border-color: var(--crit-fg); }
.verdict.warning { background: var(--warn-bg); color: var(--warn-fg); border-color: var(--warn-fg); }
.verdict.healthy { background: var(--ok-bg); color: var(--ok-fg); border-color: var(--ok-fg); }
.verdict.unknown { border-color: var(--unknown); border-style: dashed; }
.label { font-weight: 700; letter-spacing: 0.04em; }
.label.critical::before { content: "✖ "; } .label.warning::before { content: "⚠ "; } .label.healthy::before { content: "✓ "; } .label.unknown::before { content: "? "; }
table { border-collapse: collapse; }
.data td, .data th { border-top: 1px solid var(--border); padding: 3px 6px; text-align: left; vertical-align: top; }
.data { width: 100%; }
.matrix { border-collapse: separate; border-spacing: 2px; }
.matrix th { font-weight: normal; padding: 0 4px; text-align: right; white-space: nowrap; }
.matrix thead th { text-align: center; }
.cell { width: 28px; height: 22px; text-align: center; border-radius: 3px; font-weight: 700; font-family: ui-monospace, monospace; }
.k-ok { background: var(--ok-bg); color: var(--ok-fg); font-weight: normal; }
.k-ping-pending { background: var(--pending); color: #1b1f24; } .k-pong-stale { background: var(--stale); color: #1b1f24; }
.k-pfail { background: var(--pfail); color: #fff; } .k-fail { background: var(--fail); color: var(--bg); }
.k-missing { background: var(--missing); } .k-unknown { background: var(--unknown); color: #fff; } .k-self { border: 1px dashed var(--border); }
.legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 12px; }
.legend .cell { display: inline-block; width: 20px; height: 16px; line-height: 16px; }
.badge { border: 1px solid var(--border); border-radius: 4px; padding: 0 5px; font-family: ui-monospace, monospace; font-size: 12px; }
.badge.critical { background: var(--crit-bg); color: var(--crit-fg); border-color: var(--crit-fg); }
.badge.warning { background: var(--warn-bg); color: var(--warn-fg); border-color: var(--warn-fg); }
.fix summary { cursor: pointer; margin: 8px 0 2px; }
footer { margin-top: 28px; font-size: 12px; }
@media print { body { max-width: none; } pre { white-space: pre-wrap; } }
`;

/** No script, no network: styles inline, images only as data: URIs. */
const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

export function htmlPage(title: string, body: Html): string {
  return `${html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="generator" content="busdoctor">
<title>${title}</title>
<style>${new Html(CSS)}</style>
</head>
<body>
${body}
</body>
</html>`}\n`;
}

/** The facts behind a finding or an alert, each with whose view it comes from. */
export function evidenceTable(evidence: readonly Evidence[]): Html {
  if (evidence.length === 0) return html``;
  return html`<table class="data evidence"><thead><tr><th scope="col">From</th><th scope="col">What</th><th scope="col">Exact value</th></tr></thead>
<tbody>${evidence.map((item) => html`<tr><td><code>${item.source}</code></td><td>${item.what}</td><td><code>${item.detail}</code></td></tr>`)}</tbody></table>`;
}
