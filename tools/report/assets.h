// Static assets of the HTML report (html.cpp, chart.cpp): the style sheet and the colours the
// SVG charts use. Hand-written; the report inlines them so it needs no network when viewed.
#pragma once

namespace ember::train::report {

/// Series colours, in order (colour-blind-friendly enough: blue, orange, green, purple, ...).
/// Split prefixes map to fixed slots so train is always blue and validation always orange.
inline constexpr const char* kSeriesColors[] = {
    "#2563eb", "#ea580c", "#16a34a", "#9333ea", "#dc2626",
    "#0891b2", "#ca8a04", "#db2777", "#4b5563", "#65a30d",
};

inline constexpr const char* kFontFamily =
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', 'DejaVu Sans', Arial, "
    "sans-serif";

inline constexpr const char* kCss = R"css(
:root {
  --bg: #f5f6f8; --panel: #ffffff; --ink: #111827; --muted: #6b7280; --line: #e5e7eb;
  --accent: #2563eb;
}
* { box-sizing: border-box; }
html { background: var(--bg); }
body {
  margin: 0; color: var(--ink); font-size: 14px; line-height: 1.45;
  font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', 'DejaVu Sans',
    Arial, sans-serif;
}
main { max-width: 1180px; margin: 0 auto; padding: 28px 24px 40px; }
header.top { margin-bottom: 22px; }
.eyebrow {
  font-size: 12px; font-weight: 600; letter-spacing: .08em; text-transform: uppercase;
  color: var(--accent);
}
h1 { font-size: 26px; margin: 4px 0 6px; font-weight: 650; word-break: break-all; }
h2 { font-size: 16px; margin: 0 0 12px; font-weight: 650; }
.meta { color: var(--muted); font-size: 13px; }
.meta .sep { margin: 0 7px; color: #c0c4cc; }
.meta code { font-size: 12px; }
.badge {
  display: inline-block; margin-left: 10px; padding: 1px 9px; border-radius: 999px;
  font-size: 12px; font-weight: 600; vertical-align: 1px;
}
.badge.done { background: #dcfce7; color: #166534; }
.badge.open { background: #fef3c7; color: #92400e; }
section { margin: 0 0 26px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 12px; }
.card {
  background: var(--panel); border: 1px solid var(--line); border-radius: 10px;
  padding: 12px 14px; box-shadow: 0 1px 2px rgba(16, 24, 40, .04);
}
.card .label {
  color: var(--muted); font-size: 12px; overflow: hidden; text-overflow: ellipsis;
  white-space: nowrap;
}
.card .value {
  font-size: 22px; font-weight: 650; margin-top: 2px; font-variant-numeric: tabular-nums;
  overflow: hidden; text-overflow: ellipsis; white-space: nowrap;
}
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(460px, 1fr)); gap: 14px; }
figure.chart {
  margin: 0; background: var(--panel); border: 1px solid var(--line); border-radius: 10px;
  padding: 4px 4px 2px; box-shadow: 0 1px 2px rgba(16, 24, 40, .04);
}
figure.chart svg { display: block; width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: 12px; padding: 0 14px 8px; }
.panel {
  background: var(--panel); border: 1px solid var(--line); border-radius: 10px;
  padding: 8px 16px; overflow-x: auto;
}
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th {
  text-align: left; color: var(--muted); font-weight: 600; font-size: 12px;
  border-bottom: 1px solid var(--line); padding: 6px 8px;
}
td {
  border-bottom: 1px solid #f0f1f3; padding: 6px 8px; vertical-align: top;
  word-break: break-word;
}
tr:last-child td { border-bottom: none; }
table.config td.key { width: 34%; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.key {
  font-family: ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace; font-size: 12px;
  min-width: 11em; word-break: normal; overflow-wrap: anywhere;
}
td .at { color: var(--muted); font-size: 11px; margin-left: 3px; }
.swatch {
  display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 7px;
  vertical-align: -1px;
}
.empty {
  background: var(--panel); border: 1px dashed #d1d5db; border-radius: 10px; padding: 22px;
  color: var(--muted); text-align: center;
}
footer { color: var(--muted); font-size: 12px; margin-top: 8px; }
)css";

}  // namespace ember::train::report
