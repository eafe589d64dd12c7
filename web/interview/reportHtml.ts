/**
 * The report as one HTML file: its styles, the recording (the same data as the JSON export),
 * a derived view and the viewer's script all inline, so it opens from disk with no network.
 */
import { embeddableJson, type InterviewReport, REPORT_DATA_ID, REPORT_VIEW_ID, type ReportView } from '../../runner/interview/index.ts';
import viewerScript from './reportViewer.js?raw';

const STYLE = `
body{font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:#111827;background:#f6f7f9;margin:0}
#report{max-width:1200px;margin:0 auto;padding:1.5rem}
h1{font-size:1.5rem}h2{font-size:1.1rem;margin-top:1.6em}
.muted{color:#4b5563}.small{font-size:.85rem}.mono,code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85rem}
table{border-collapse:collapse;background:#fff;width:100%}th,td{border:1px solid #d9dde3;padding:.3rem .5rem;text-align:left;vertical-align:top}
.pass{color:#166534}.fail{color:#b91c1c}
.chip{display:inline-block;border-radius:4px;padding:0 .35rem;margin:0 .3rem .2rem 0;font-size:.82rem}
.chip.pass{background:#e8f5ec}.chip.fail{background:#fdecec}
blockquote{background:#fff;border-left:4px solid #1d4ed8;margin:0;padding:.5rem 1rem;white-space:pre-wrap}
#playback-slider{width:100%}
.split{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:1rem}
pre.code{background:#fff;border:1px solid #d9dde3;padding:.5rem;overflow:auto;max-height:32rem;margin:0}
.diff .add{background:#e8f5ec;display:block}.diff .del{background:#fdecec;display:block}.diff .hunk{color:#4b5563;display:block}
.marks button{margin:0 .3rem .3rem 0;font:inherit;font-size:.82rem;border:1px solid #b8bfc9;border-radius:4px;background:#fff;cursor:pointer}
`;

/** JSON inside a <script> element: no `</script>`, no `<!--`. */
function safeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

export function reportHtml(report: InterviewReport, view: ReportView): string {
  const title = `Interview report: ${view.title}`.replace(/[<&"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${STYLE}</style>
</head>
<body>
<main id="report"></main>
<script type="application/json" id="${REPORT_DATA_ID}">${embeddableJson(report)}</script>
<script type="application/json" id="${REPORT_VIEW_ID}">${safeJson(view)}</script>
<script>${viewerScript.replace(/<\/script/gi, '<\\/script')}</script>
</body>
</html>
`;
}
