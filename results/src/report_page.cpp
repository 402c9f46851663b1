#include "results/src/report_page.h"

namespace pgd::results {

const std::string& report_css() {
  static const std::string css = R"CSS(
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--head:#f6f8fa;--link:#0969da}
*{box-sizing:border-box}
[hidden]{display:none!important}
body{margin:0;color:var(--fg);background:#fff;
  font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",sans-serif}
a{color:var(--link)}
header,main,footer{max-width:1200px;margin:0 auto;padding:0 24px}
header{padding-top:12px;border-bottom:1px solid var(--line)}
footer{padding:24px;color:var(--muted);font-size:.85em}
h1{font-size:1.6em;margin:.2em 0 .3em}
h2{font-size:1.3em;margin:1.6em 0 .5em;padding-bottom:.2em;border-bottom:1px solid var(--line)}
h3{font-size:1.1em;margin:1.2em 0 .4em}
h4{font-size:1em;margin:1em 0 .3em}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:6px 0}
dl.meta dt{color:var(--muted)}
dl.meta dd{margin:0;overflow-wrap:anywhere}
nav#toc{display:flex;flex-wrap:wrap;gap:4px 18px;padding:6px 0 10px;font-weight:600}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;font-size:.9em;font-variant-numeric:tabular-nums}
th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
thead th{background:var(--head)}
table.paper-table thead th{text-align:center}
table.paper-table td{text-align:right;white-space:nowrap}
table.paper-table tbody th{font-weight:normal;white-space:nowrap}
td.paper{color:var(--muted);font-style:italic}
table.paper-table .n{display:block;font-size:.8em;color:var(--muted)}
td a{text-decoration:none}
td a:hover{text-decoration:underline}
td.cell-oom{background:#fff0ef}
td.cell-failed{background:#fff8e1}
table.claims td{min-width:9em}
table.claims td:first-child{min-width:18em}
table.claims td.num{white-space:nowrap;min-width:0}
table.runs td,table.runs th{white-space:nowrap}
table.runs thead th{cursor:pointer;user-select:none}
th[aria-sort=ascending]::after{content:" \25B2"}
th[aria-sort=descending]::after{content:" \25BC"}
.status,.verdict{display:inline-block;padding:0 7px;border-radius:10px;font-size:.85em;
  font-weight:600;white-space:nowrap}
.status-done,.verdict-reproduced{background:#dafbe1;color:#116329}
.status-oom,.verdict-contradicted{background:#ffebe9;color:#a40e26}
.status-failed{background:#fff1c2;color:#7a4a00}
.status-running,.status-pending{background:#ddf4ff;color:#0550ae}
.status-cancelled,.verdict-inconclusive{background:#eaeef2;color:#424a53}
figure{margin:0 0 12px}
figcaption{font-size:.85em;color:var(--muted);margin:4px 0}
figure.table figcaption{font-size:.95em;color:var(--fg);font-weight:600;margin-bottom:6px}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(440px,1fr));gap:14px}
svg.chart{width:100%;height:auto;display:block;background:#fff;border:1px solid var(--line);
  border-radius:4px}
svg.chart text{font-size:13px;fill:#1f2328}
svg.chart .chart-title{font-size:14px;font-weight:600}
svg.chart .grid{stroke:#e8ebef}
svg.chart .frame{fill:none;stroke:#8c959f}
svg.chart .tick{stroke:#8c959f}
svg.chart .oom-label{font-size:11px;font-weight:700}
.cell-curves{border-top:1px dashed var(--line);margin-top:8px}
section.run{border-top:2px solid var(--line);margin-top:22px}
h2+section.run{border-top:none;margin-top:0}
section.run h3 small{color:var(--muted);font-weight:normal}
.run-facts{display:grid;grid-template-columns:2fr 1fr;gap:18px;margin-bottom:10px}
.run-facts dl{display:grid;grid-template-columns:max-content 1fr;gap:1px 12px;margin:0;
  font-size:.9em;align-content:start}
.run-facts dl.facts{grid-template-columns:max-content 1fr max-content 1fr}
.run-facts dt{color:var(--muted)}
.run-facts dd{margin:0;overflow-wrap:anywhere}
pre{background:var(--head);padding:8px;overflow:auto;font-size:.85em;max-height:32em}
.error h4{color:#a40e26}
.error pre{background:#fff0ef;border-left:3px solid #cf222e;white-space:pre-wrap;
  overflow-wrap:anywhere}
details{margin:8px 0}
summary{cursor:pointer;color:var(--link)}
.note,.empty{color:var(--muted);font-size:.88em}
.filters{display:flex;flex-wrap:wrap;gap:8px 18px;align-items:center;margin:8px 0}
input[type=search],select{padding:4px 6px;font:inherit}
input[type=search]{width:18em;max-width:100%}
#runs-count{color:var(--muted)}
@media (max-width:700px){
  body{font-size:14px}
  header,main,footer{padding-left:10px;padding-right:10px}
  dl.meta{grid-template-columns:1fr;gap:0}
  dl.meta dt{margin-top:4px}
  .run-facts{grid-template-columns:1fr}
  .run-facts dl.facts{grid-template-columns:max-content 1fr}
  .charts{grid-template-columns:1fr}
  th,td{padding:3px 5px}
  table.claims thead{display:none}
  table.claims,table.claims tbody,table.claims tr,table.claims td{display:block;min-width:0}
  table.claims tr{border:1px solid var(--line);border-radius:6px;margin-bottom:10px;padding:4px 0}
  table.claims td{border:none;padding:2px 8px;white-space:normal}
  table.claims td:first-child{min-width:0;font-weight:600}
  table.claims td:first-child small{font-weight:normal}
  table.claims td+td::before{content:attr(data-label) ": ";color:var(--muted)}
}
)CSS";
  return css;
}

const std::string& report_script() {
  static const std::string js = R"JS(
(function () {
  'use strict';
  var table = document.getElementById('runs-table');
  if (table) {
    var body = table.tBodies[0];
    var heads = table.tHead.rows[0].cells;
    var filter = document.getElementById('runs-filter');
    var status = document.getElementById('runs-status');
    var count = document.getElementById('runs-count');
    // A cell's sort key: its data-sort as a number when it is one, else as lower-case text;
    // null (sorted last either way) when empty.
    var key = function (row, i) {
      var v = row.cells[i].getAttribute('data-sort');
      if (v === null) v = row.cells[i].textContent;
      if (v === '') return null;
      var n = Number(v);
      return isNaN(n) ? v.toLowerCase() : n;
    };
    var compare = function (a, b) {
      if (typeof a !== typeof b) return typeof a === 'number' ? -1 : 1;
      return a < b ? -1 : a > b ? 1 : 0;
    };
    var sortBy = function (i) {
      var dir = heads[i].getAttribute('aria-sort') === 'ascending' ? -1 : 1;
      for (var h = 0; h < heads.length; h++) heads[h].removeAttribute('aria-sort');
      heads[i].setAttribute('aria-sort', dir > 0 ? 'ascending' : 'descending');
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = key(a, i), y = key(b, i);
        if (x === null || y === null) return (x === null) - (y === null);
        return dir * compare(x, y);
      });
      rows.forEach(function (r) { body.appendChild(r); });
    };
    var applyFilter = function () {
      var words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
      var wanted = status.value, shown = 0;
      for (var r = 0; r < body.rows.length; r++) {
        var row = body.rows[r], text = row.textContent.toLowerCase();
        var ok = (!wanted || row.getAttribute('data-status') === wanted) &&
            words.every(function (w) { return text.indexOf(w) >= 0; });
        row.hidden = !ok;
        if (ok) shown++;
      }
      count.textContent = shown + ' of ' + body.rows.length + ' runs';
    };
    Array.prototype.forEach.call(heads, function (th, i) {
      th.tabIndex = 0;
      th.addEventListener('click', function () { sortBy(i); });
      th.addEventListener('keydown', function (e) { if (e.key === 'Enter') sortBy(i); });
    });
    filter.addEventListener('input', applyFilter);
    status.addEventListener('change', applyFilter);
  }
  document.documentElement.setAttribute('data-js', 'ready');
})();
)JS";
  return js;
}

}  // namespace pgd::results
